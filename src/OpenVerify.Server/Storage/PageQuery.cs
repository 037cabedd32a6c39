namespace OpenVerify.Server.Storage;

/// <summary>Where a page starts: the first page, after a row, or before a row (previous pages).</summary>
public enum CursorDirection
{
    /// <summary>From the start of the list (or an offset).</summary>
    None,
    /// <summary>Rows that come after <see cref="PageQuery.CursorId"/> in list order.</summary>
    After,
    /// <summary>Rows that come before <see cref="PageQuery.CursorId"/> in list order.</summary>
    Before,
}

/// <summary>
/// A keyset page request over a table's ascending id, which is creation order.
/// Keyset rather than offset paging, so pages stay stable while new rows arrive.
/// </summary>
public readonly record struct PageQuery(int Size, bool Descending, CursorDirection Direction, long CursorId, int Offset)
{
    /// <summary>
    /// The SQL pieces for a page over column <c>id</c>: a WHERE fragment (uses @cursor), the ORDER BY
    /// direction, and the LIMIT/OFFSET values (@limit, @offset). One extra row is read to learn
    /// whether the list goes on.
    /// </summary>
    public (string Where, string Order) Sql()
    {
        // Reading "before" a row walks the list backwards; the slice is reversed afterwards.
        var walkDescending = Direction == CursorDirection.Before ? !Descending : Descending;
        var where = Direction switch
        {
            CursorDirection.None => "1=1",
            _ => walkDescending ? "id < @cursor" : "id > @cursor",
        };
        return (where, walkDescending ? "DESC" : "ASC");
    }

    /// <summary>Rows to read: one more than the page.</summary>
    public int Limit => Size + 1;

    /// <summary>Rows to skip (only without a cursor).</summary>
    public int SkipRows => Direction == CursorDirection.None ? Offset : 0;

    /// <summary>Cuts the rows read into the page and learns whether neighbours exist.</summary>
    public PageSlice<T> Slice<T>(IReadOnlyList<T> rows)
    {
        if (Direction == CursorDirection.Before)
        {
            var items = rows.Take(Size).Reverse().ToList();
            return new PageSlice<T>(items, HasNext: true, HasPrevious: rows.Count > Size);
        }

        return new PageSlice<T>(rows.Take(Size).ToList(), HasNext: rows.Count > Size,
            HasPrevious: Direction == CursorDirection.After || Offset > 0);
    }
}

/// <summary>One page of rows, in list order.</summary>
public sealed record PageSlice<T>(IReadOnlyList<T> Items, bool HasNext, bool HasPrevious);
