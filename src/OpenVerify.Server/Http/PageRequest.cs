using System.Globalization;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Http;

/// <summary>
/// <c>PageSize</c> (1–1000, default 50), <c>Page</c> and <c>PageToken</c> of a list request.
/// The token is ours: <c>PA{id}_{page}</c> = rows after id, <c>PB{id}_{page}</c> = rows before id.
/// Note: the iOS SDK sends the token as <c>pageToken</c>; query keys are case-insensitive here.
/// </summary>
public sealed record PageRequest(int Size, int Page, CursorDirection Direction, long CursorId)
{
    /// <summary>Default page size (docs/protocol/rest-api.md §1.6).</summary>
    public const int DefaultSize = 50;

    /// <summary>Largest page size.</summary>
    public const int MaxSize = 1000;

    /// <summary>Reads paging parameters from a form (query).</summary>
    public static PageRequest From(VerifyForm query)
    {
        var size = query.Int("PageSize", 1, MaxSize) ?? DefaultSize;
        var page = query.Int("Page", 0, int.MaxValue);
        var token = query.Get("PageToken");
        if (string.IsNullOrEmpty(token))
        {
            // Page alone is an offset; one past what a query can skip is refused, not overflowed.
            return (long)(page ?? 0) * size > int.MaxValue
                ? throw ErrorCatalogue.InvalidParameter("Page", "is beyond the last page")
                : new PageRequest(size, page ?? 0, CursorDirection.None, 0);
        }

        // Note: the SDKs send only the token, never Page, so the token carries its page number too
        // (PA{id}_{page}); without it every later page would report page 0 and no previous page.
        var underscore = token.IndexOf('_');
        var idText = token.Length < 3 ? "" : underscore < 0 ? token.AsSpan(2) : token.AsSpan(2, Math.Max(0, underscore - 2));
        var tokenPage = 0;
        if (token.Length < 3 || !token.StartsWith('P') || token[1] is not ('A' or 'B')
            || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || (underscore >= 0 && !int.TryParse(token.AsSpan(underscore + 1), NumberStyles.None, CultureInfo.InvariantCulture, out tokenPage)))
        {
            throw ErrorCatalogue.InvalidParameter("PageToken", "is not a token this server issued");
        }

        return new PageRequest(size, page ?? tokenPage, token[1] == 'A' ? CursorDirection.After : CursorDirection.Before, id);
    }

    /// <summary>The store query for this page in the given order.</summary>
    public PageQuery ToQuery(bool descending = false) =>
        new(Size, descending, Direction, CursorId, Direction == CursorDirection.None ? checked(Page * Size) : 0);
}
