using Microsoft.AspNetCore.Mvc;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Console.Pages;

/// <summary>A challenge by its SID alone (from the push log, or pasted from a support ticket): redirects to its entity's challenge page.</summary>
public sealed class ChallengeBySidModel(IServiceStore services, IChallengeStore challenges) : ConsolePageModel
{
    /// <summary>GET.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string challengeSid)
    {
        var service = await ServiceAsync(services, serviceSid);
        var challenge = service is not null && Sid.IsValid(challengeSid, SidPrefix.Challenge)
            ? await challenges.FindInServiceAsync(service.Sid, challengeSid, HttpContext.RequestAborted)
            : null;
        return challenge is null ? NotFound() : Redirect(ChallengePath(challenge.ServiceSid, challenge.Identity, challenge.Sid));
    }
}
