using System.Globalization;
using Microsoft.AspNetCore.Http;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Http;

/// <summary>
/// <c>PageSize</c> (1–1000, default 50), <c>Page</c> and <c>PageToken</c> of a list request.
/// The token is ours: <c>PA{id}</c> = rows after id, <c>PB{id}</c> = rows before id.
/// Note: the iOS SDK sends the token as <c>pageToken</c>; query keys are case-insensitive here.
/// </summary>
public sealed record PageRequest(int Size, int Page, CursorDirection Direction, long CursorId)
{
    /// <summary>Default page size (rest-api.md §1.6).</summary>
    public const int DefaultSize = 50;

    /// <summary>Largest page size.</summary>
    public const int MaxSize = 1000;

    /// <summary>Reads paging parameters from a form (query).</summary>
    public static PageRequest From(VerifyForm query)
    {
        var size = query.Int("PageSize", 1, MaxSize) ?? DefaultSize;
        var page = query.Int("Page", 0, int.MaxValue) ?? 0;
        var token = query.Get("PageToken");
        if (string.IsNullOrEmpty(token))
        {
            return new PageRequest(size, page, CursorDirection.None, 0);
        }

        if (token.Length < 3 || !token.StartsWith('P') || token[1] is not ('A' or 'B')
            || !long.TryParse(token.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw ErrorCatalogue.InvalidParameter("PageToken", "is not a token this server issued");
        }

        return new PageRequest(size, page, token[1] == 'A' ? CursorDirection.After : CursorDirection.Before, id);
    }

    /// <summary>The store query for this page in the given order.</summary>
    public PageQuery ToQuery(bool descending = false) =>
        new(Size, descending, Direction, CursorId, Direction == CursorDirection.None ? checked(Page * Size) : 0);
}
