using OpenVerify.Server.Services;

namespace OpenVerify.Server.Console.Pages;

/// <summary>The account's services, a page at a time.</summary>
public sealed class IndexModel(IServiceStore services) : ConsolePageModel
{
    /// <summary>This page.</summary>
    public IReadOnlyList<Service> Services { get; private set; } = [];

    /// <summary>The cursor this page started after, if any.</summary>
    public long? After { get; private set; }

    /// <summary>The cursor of the next page, if there is one.</summary>
    public long? NextAfter { get; private set; }

    /// <summary>GET.</summary>
    public async Task OnGetAsync(long? after)
    {
        var page = Page(after, newestFirst: false);
        var slice = page.Slice(await services.ListAsync(AccountSid, page, HttpContext.RequestAborted));
        Services = slice.Items;
        After = after;
        NextAfter = slice.HasNext ? slice.Items[^1].Id : null;
    }
}
