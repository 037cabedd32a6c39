using System.Net;
using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>WatchChallengesAsync against a real server: over the live event stream, and polling where the server has none.</summary>
[Collection(ServerCollection.Name)]
public sealed class WatchChallengesTests(ServerFixture fixture)
{
    [Fact]
    public async Task Over_the_live_stream_a_new_challenge_and_its_approval_arrive()
    {
        using var keys = new KeepingKeyStore();
        using var client = Device.Builder(fixture.Server).WithFactorStore(new InMemoryFactorStore()).WithKeyStore(keys).Build();
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = client.WatchChallengesAsync(factor.Sid, cancellationToken: bound.Token).GetAsyncEnumerator(bound.Token);

        var moved = watch.MoveNextAsync();
        var sid = await fixture.Backend.CreateChallengeAsync(service, identity, factor.Sid);
        Assert.True(await moved);
        Assert.Equal((ChallengeEventKind.Pending, sid, ChallengeStatus.Pending, true), (watch.Current.Kind, watch.Current.Challenge.Sid, watch.Current.Challenge.Status, watch.Current.FromStream));

        await client.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, sid, ChallengeStatus.Approved), bound.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal((ChallengeEventKind.Updated, sid, ChallengeStatus.Approved, true), (watch.Current.Kind, watch.Current.Challenge.Sid, watch.Current.Challenge.Status, watch.Current.FromStream));
    }

    [Fact]
    public async Task A_server_without_the_stream_is_polled_instead()
    {
        using var keys = new KeepingKeyStore();
        using var http = new HttpClient(new WithoutEventStream { InnerHandler = new HttpClientHandler() });
        using var client = Device.Builder(fixture.Server, http).WithFactorStore(new InMemoryFactorStore()).WithKeyStore(keys).Build();
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();
        var factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        var sid = await fixture.Backend.CreateChallengeAsync(service, identity, factor.Sid);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = client.WatchChallengesAsync(factor.Sid, TimeSpan.FromMilliseconds(100), bound.Token).GetAsyncEnumerator(bound.Token);

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal((ChallengeEventKind.Pending, sid, false), (watch.Current.Kind, watch.Current.Challenge.Sid, watch.Current.FromStream));
        await client.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, sid, ChallengeStatus.Denied), bound.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal((ChallengeEventKind.Updated, ChallengeStatus.Denied, false), (watch.Current.Kind, watch.Current.Challenge.Status, watch.Current.FromStream));
    }

    /// <summary>Answers the stream route 404, as Twilio (or an OpenVerify before the live channel) does.</summary>
    private sealed class WithoutEventStream : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            request.RequestUri!.AbsolutePath.EndsWith("/Challenges/Events", StringComparison.Ordinal)
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"code":20404,"message":"not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}""") })
                : base.SendAsync(request, cancellationToken);
    }
}
