using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Console;

/// <summary>One change made through the admin console.</summary>
/// <param name="Id">Row (creation order).</param>
/// <param name="AccountSid">The account the change was made in.</param>
/// <param name="Actor">Who signed in: the account SID, or the SID of the API key used.</param>
/// <param name="At">Unix ms, from the server's clock.</param>
/// <param name="Action">What was done (<see cref="AuditActions"/>).</param>
/// <param name="Target">What it was done to: the SIDs (and delivery id) that name it.</param>
/// <param name="Detail">The outcome, in words.</param>
public sealed record AuditEntry(long Id, string AccountSid, string Actor, long At, string Action, string Target, string? Detail);

/// <summary>The console's actions, as recorded.</summary>
public static class AuditActions
{
    /// <summary>A factor was deleted (as DeleteFactor does).</summary>
    public const string DeleteFactor = "factor.delete";

    /// <summary>A dead webhook delivery was replayed (as ReplayWebhookDelivery does).</summary>
    public const string ReplayDelivery = "webhook.delivery.replay";

    /// <summary>A webhook's status was set to disabled (as UpdateWebhook with Status=disabled does).</summary>
    public const string DisableWebhook = "webhook.disable";
}

/// <summary>The audit log of the admin console, per account.</summary>
public interface IAuditLog
{
    /// <summary>Records an entry (its <see cref="AuditEntry.Id"/> is assigned by the store).</summary>
    Task AddAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>A page of the account's entries.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(string accountSid, PageQuery page, CancellationToken cancellationToken);
}
