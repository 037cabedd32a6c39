using OpenVerify.Protocol.Errors;
using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Services;

namespace OpenVerify.Server.Auth;

/// <summary>
/// Authorisation rules shared by the handlers. Another account's resources, and anything outside a
/// device's own factor, answer 404: a caller learns nothing about what it may not see.
/// </summary>
public static class Access
{
    /// <summary>The account of a backend caller; devices are refused.</summary>
    public static string RequireAccount(Caller caller) =>
        caller is AccountCaller account ? account.AccountSid : throw ErrorCatalogue.Unauthorized("This operation needs account credentials");

    /// <summary>Loads the service the path names, if the caller may see it.</summary>
    public static async Task<Service> ServiceAsync(Caller caller, string serviceSid, IServiceStore services, string path, CancellationToken cancellationToken)
    {
        if (!Sid.IsValid(serviceSid, SidPrefix.Service))
        {
            throw ErrorCatalogue.NotFound(path);
        }

        var inScope = caller switch
        {
            DeviceCaller device => device.Factor.ServiceSid == serviceSid,
            EnrolmentCaller enrolment => enrolment.Token.ServiceSid == serviceSid,
            _ => true,
        };
        var service = inScope ? await services.FindAsync(caller.AccountSid, serviceSid, cancellationToken) : null;
        return service ?? throw ErrorCatalogue.NotFound(path);
    }

    /// <summary>Devices may only touch their own entity.</summary>
    public static void RequireIdentity(Caller caller, string identity, string path)
    {
        if (caller is DeviceCaller device && device.Factor.Identity != identity)
        {
            throw ErrorCatalogue.NotFound(path);
        }
    }
}
