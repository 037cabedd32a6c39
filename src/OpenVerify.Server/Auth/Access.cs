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

    /// <summary>
    /// The service of an entity-level request (factors, challenges) by a backend or a device: an
    /// enrolment token is refused, and a device is kept to its own entity.
    /// </summary>
    public static async Task<Service> EntityScopeAsync(Caller caller, string serviceSid, string identity, IServiceStore services, string path, CancellationToken cancellationToken)
    {
        if (caller is EnrolmentCaller)
        {
            throw ErrorCatalogue.Unauthorized("An access token can only create a factor");
        }

        var service = await ServiceAsync(caller, serviceSid, services, path, cancellationToken);
        RequireIdentity(caller, identity, path);
        return service;
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
