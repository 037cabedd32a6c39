using Microsoft.AspNetCore.Mvc;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Services;
using OpenVerify.Server.Telemetry;

namespace OpenVerify.Server.Console.Pages;

/// <summary>Delete a factor: GET asks, POST does it through DeleteFactor's own domain path, then audits.</summary>
public sealed class DeleteFactorModel(IServiceStore services, IFactorStore factors, IAuditLog audit, TimeProvider clock, OpenVerifyMetrics metrics) : ConsolePageModel
{
    /// <summary>The factor.</summary>
    public Factor? Factor { get; private set; }

    /// <summary>GET: the confirmation.</summary>
    public async Task<IActionResult> OnGetAsync(string serviceSid, string identity, string factorSid)
    {
        Factor = await FindAsync(serviceSid, identity, factorSid);
        return Factor is null ? NotFound() : Page();
    }

    /// <summary>POST: deletes, audits, and goes back to the entity.</summary>
    public async Task<IActionResult> OnPostAsync(string serviceSid, string identity, string factorSid)
    {
        var factor = await FindAsync(serviceSid, identity, factorSid);
        var ct = HttpContext.RequestAborted;
        if (factor is null || await FactorsApi.DeleteAsync(factor, factors, clock, metrics, ct) is null)
        {
            return NotFound();
        }

        await audit.AddAsync(new AuditEntry(0, AccountSid, Actor, clock.GetUtcNow().ToUnixTimeMilliseconds(), AuditActions.DeleteFactor,
            $"{factor.ServiceSid}/{factor.Identity}/{factor.Sid}", $"deleted {factor.FactorType} factor '{factor.FriendlyName}'"), ct);
        return Redirect(EntityPath(factor.ServiceSid, factor.Identity) + "?done=deleted");
    }

    private async Task<Factor?> FindAsync(string serviceSid, string identity, string factorSid)
    {
        var service = await ServiceAsync(services, serviceSid);
        return service is not null && IsIdentity(identity) && Protocol.Sids.Sid.IsValid(factorSid, Protocol.Sids.SidPrefix.Factor)
            ? await factors.FindAsync(service.Sid, identity, factorSid, HttpContext.RequestAborted)
            : null;
    }
}
