using Microsoft.AspNetCore.Http;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Http;

/// <summary>
/// The list body every list operation answers: one array under its key, and <c>meta</c> with all
/// seven keys (the C# helper throws when one is missing; null is fine). Page URLs are absolute and
/// point back at this server, because clients GET <c>next_page_url</c> verbatim.
/// </summary>
public static class ListEnvelope
{
    /// <summary>Builds the body for a page of resources.</summary>
    public static Dictionary<string, object?> Build<TRow, TResource>(
        string key, string collectionUrl, PageRequest request, PageSlice<TRow> slice,
        Func<TRow, long> id, Func<TRow, TResource> toResource, IEnumerable<KeyValuePair<string, string?>>? filters = null)
    {
        var filterPairs = (filters ?? []).Where(f => !string.IsNullOrEmpty(f.Value)).ToList();

        string Url(int page, string? token)
        {
            var query = filterPairs.Select(f => f.Key + "=" + Uri.EscapeDataString(f.Value!))
                .Append("PageSize=" + request.Size)
                .Append("Page=" + page);
            if (token is not null)
            {
                query = query.Append("PageToken=" + token + "_" + page.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return collectionUrl + "?" + string.Join("&", query);
        }

        var items = slice.Items;
        string? next = slice.HasNext && items.Count > 0 ? Url(request.Page + 1, "PA" + id(items[^1])) : null;
        string? previous = slice.HasPrevious && items.Count > 0 && request.Page > 0 ? Url(request.Page - 1, "PB" + id(items[0])) : null;
        var current = request.Direction switch
        {
            CursorDirection.After => Url(request.Page, "PA" + request.CursorId),
            CursorDirection.Before => Url(request.Page, "PB" + request.CursorId),
            _ => Url(request.Page, null),
        };

        return new Dictionary<string, object?>
        {
            [key] = items.Select(toResource).ToList(),
            ["meta"] = new Dictionary<string, object?>
            {
                ["page"] = request.Page,
                ["page_size"] = request.Size,
                ["first_page_url"] = Url(0, null),
                ["previous_page_url"] = previous,
                ["url"] = current,
                ["next_page_url"] = next,
                ["key"] = key,
            },
        };
    }

    /// <summary>The collection URL of the current request, absolute.</summary>
    public static string CollectionUrl(HttpContext context) => VerifyUrls.Base(context) + context.Request.Path.Value;
}
