using OpenVerify.Protocol.Sids;
using OpenVerify.Server.Entities;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Tests.Storage.Sql;

/// <summary>The entity store, on SQLite and on PostgreSQL; also the shared keyset paging.</summary>
public sealed class SqlEntityStoreTests : StoreTestBase
{
    private IEntityStore Entities => Get<IEntityStore>();

    private Entity NewEntity(string serviceSid, string identity) => new()
    {
        Sid = Sid.New(SidPrefix.Entity), AccountSid = "AC00000000000000000000000000000001", ServiceSid = serviceSid, Identity = identity, DateCreated = Now, DateUpdated = Now,
    };

    [Fact]
    public async Task Added_entity_is_found_by_identity_with_its_id()
    {
        var entity = NewEntity(Sid.New(SidPrefix.Service), "user-0001");

        Assert.True(await Entities.TryAddAsync(entity, Ct));

        var found = await Entities.FindAsync(entity.ServiceSid, "user-0001", Ct);
        Assert.NotNull(found);
        Assert.Equal(entity.Sid, found.Sid);
        Assert.Equal(entity.Id, found.Id);
        Assert.True(found.Id > 0);
        Assert.Equal(Now, found.DateCreated);
        Assert.Null(await Entities.FindAsync(entity.ServiceSid, "user-0002", Ct));
    }

    [Fact]
    public async Task Adding_an_existing_identity_returns_false_and_keeps_the_first()
    {
        var serviceSid = Sid.New(SidPrefix.Service);
        var first = NewEntity(serviceSid, "user-0001");
        Assert.True(await Entities.TryAddAsync(first, Ct));

        Assert.False(await Entities.TryAddAsync(NewEntity(serviceSid, "user-0001"), Ct));

        Assert.Equal(first.Sid, (await Entities.FindAsync(serviceSid, "user-0001", Ct))!.Sid);
    }

    [Fact]
    public async Task Deleting_an_entity_deletes_its_factors_and_challenges()
    {
        var service = await AddServiceAsync();
        var factor = await AddFactorAsync(service, "user-0001");
        var challenge = await AddChallengeAsync(factor);

        Assert.True(await Entities.DeleteAsync(service.Sid, "user-0001", Ct));

        Assert.Null(await Entities.FindAsync(service.Sid, "user-0001", Ct));
        Assert.Null(await Get<Server.Factors.IFactorStore>().FindAsync(service.Sid, "user-0001", factor.Sid, Ct));
        Assert.Null(await Get<Server.Challenges.IChallengeStore>().FindAsync(service.Sid, "user-0001", challenge.Sid, Ct));
        Assert.False(await Entities.DeleteAsync(service.Sid, "user-0001", Ct));
    }

    [Fact]
    public async Task Pages_walk_forwards_and_backwards_in_ascending_order()
    {
        var (serviceSid, ids) = await AddFiveAsync();

        var first = await PageAsync(serviceSid, new PageQuery(2, false, CursorDirection.None, 0, 0));
        Assert.Equal(["user-1", "user-2"], first.Names);
        Assert.True(first.Slice.HasNext);
        Assert.False(first.Slice.HasPrevious);

        var second = await PageAsync(serviceSid, new PageQuery(2, false, CursorDirection.After, ids[1], 0));
        Assert.Equal(["user-3", "user-4"], second.Names);
        Assert.True(second.Slice.HasNext);
        Assert.True(second.Slice.HasPrevious);

        var last = await PageAsync(serviceSid, new PageQuery(2, false, CursorDirection.After, ids[3], 0));
        Assert.Equal(["user-5"], last.Names);
        Assert.False(last.Slice.HasNext);

        var back = await PageAsync(serviceSid, new PageQuery(2, false, CursorDirection.Before, ids[2], 0));
        Assert.Equal(["user-1", "user-2"], back.Names);
        Assert.False(back.Slice.HasPrevious);

        var byOffset = await PageAsync(serviceSid, new PageQuery(2, false, CursorDirection.None, 0, 2));
        Assert.Equal(["user-3", "user-4"], byOffset.Names);
        Assert.True(byOffset.Slice.HasPrevious);
    }

    [Fact]
    public async Task Pages_walk_forwards_and_backwards_in_descending_order()
    {
        var (serviceSid, ids) = await AddFiveAsync();

        var first = await PageAsync(serviceSid, new PageQuery(2, true, CursorDirection.None, 0, 0));
        Assert.Equal(["user-5", "user-4"], first.Names);
        Assert.True(first.Slice.HasNext);

        var second = await PageAsync(serviceSid, new PageQuery(2, true, CursorDirection.After, ids[3], 0));
        Assert.Equal(["user-3", "user-2"], second.Names);

        var last = await PageAsync(serviceSid, new PageQuery(2, true, CursorDirection.After, ids[1], 0));
        Assert.Equal(["user-1"], last.Names);
        Assert.False(last.Slice.HasNext);

        var back = await PageAsync(serviceSid, new PageQuery(2, true, CursorDirection.Before, ids[2], 0));
        Assert.Equal(["user-5", "user-4"], back.Names);
        Assert.False(back.Slice.HasPrevious);

        var middleBack = await PageAsync(serviceSid, new PageQuery(1, true, CursorDirection.Before, ids[2], 0));
        Assert.Equal(["user-4"], middleBack.Names);
        Assert.True(middleBack.Slice.HasPrevious);
    }

    [Fact]
    public async Task Listing_sees_only_the_service_asked_for()
    {
        var (serviceSid, _) = await AddFiveAsync();
        var other = Sid.New(SidPrefix.Service);
        Assert.True(await Entities.TryAddAsync(NewEntity(other, "user-1"), Ct));

        var page = await PageAsync(other, new PageQuery(50, false, CursorDirection.None, 0, 0));

        Assert.Equal(["user-1"], page.Names);
        Assert.Equal(5, (await PageAsync(serviceSid, new PageQuery(50, false, CursorDirection.None, 0, 0))).Names.Count);
    }

    private async Task<(string ServiceSid, long[] Ids)> AddFiveAsync()
    {
        var serviceSid = Sid.New(SidPrefix.Service);
        var ids = new long[5];
        for (var i = 0; i < 5; i++)
        {
            var entity = NewEntity(serviceSid, "user-" + (i + 1));
            Assert.True(await Entities.TryAddAsync(entity, Ct));
            ids[i] = entity.Id;
        }

        Assert.Equal(ids.Order(), ids);
        return (serviceSid, ids);
    }

    private async Task<(PageSlice<Entity> Slice, List<string> Names)> PageAsync(string serviceSid, PageQuery query)
    {
        var slice = query.Slice(await Entities.ListAsync(serviceSid, query, Ct));
        return (slice, slice.Items.Select(e => e.Identity).ToList());
    }
}
