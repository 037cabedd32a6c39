namespace OpenVerify.Server.Console.Pages;

/// <summary>The account's audit log: who did what, when, through the console.</summary>
public sealed class AuditModel(IAuditLog audit) : ConsolePageModel
{
    /// <summary>This page.</summary>
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>The cursor this page started after.</summary>
    public long? After { get; private set; }

    /// <summary>The next (older) page's cursor.</summary>
    public long? NextAfter { get; private set; }

    /// <summary>GET.</summary>
    public async Task OnGetAsync(long? after)
    {
        var page = Page(after, newestFirst: true, size: 50);
        var slice = page.Slice(await audit.ListAsync(AccountSid, page, HttpContext.RequestAborted));
        Entries = slice.Items;
        After = after;
        NextAfter = slice.HasNext ? slice.Items[^1].Id : null;
    }
}
