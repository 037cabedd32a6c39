using System.Net;
using OpenVerify.EndToEnd.Tests.Client.Infrastructure;

using OpenVerify.Client;

namespace OpenVerify.EndToEnd.Tests.Client;

/// <summary>A device clock 20 minutes off: the server's 401 + Date corrects it, once, for good.</summary>
[Collection(ServerCollection.Name)]
public sealed class ClockSkewTests(ServerFixture fixture)
{
    [Theory]
    [InlineData(-20)]
    [InlineData(20)]
    public async Task A_clock_20_minutes_off_is_corrected_from_the_401_Date_and_the_correction_is_persisted(int minutes)
    {
        var skew = TimeSpan.FromMinutes(minutes);
        using var home = new TempDirectory("openverify-e2e-device");
        var skewed = new SkewedTimeProvider(skew);
        var service = await fixture.Backend.CreateServiceAsync();
        var identity = VerifyBackend.NewIdentity();

        var first = new RecordingHandler(new SocketsHttpHandler());
        Factor factor;
        using (var http = new HttpClient(first))
        using (var client = Device.Client(fixture.Server, home.Path, http, skewed))
        {
            factor = await Device.EnrolAsync(client, fixture.Backend, service, identity);
        }

        // Create (access token, no JWT), then the first JWT: 401 with Date, then the retry succeeds.
        Assert.Equal(FactorStatus.Verified, factor.Status);
        var answers = first.Answers.ToArray();
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Unauthorized, HttpStatusCode.OK], answers.Select(a => a.Status));
        Assert.NotNull(answers[1].Date);
        Assert.Equal(answers[1].Path, answers[2].Path);

        var correction = await new FileFactorStore(home.Path).GetTimeCorrectionAsync();
        Assert.InRange(correction, -skew.TotalSeconds - 10, -skew.TotalSeconds + 10);

        // A new client over the same storage (an app restart) signs with the corrected time at once.
        var second = new RecordingHandler(new SocketsHttpHandler());
        using (var http = new HttpClient(second))
        using (var client = Device.Client(fixture.Server, home.Path, http, skewed))
        {
            var challengeSid = await fixture.Backend.CreateChallengeAsync(service, identity, factor.Sid);
            var approved = await client.UpdateChallengeAsync(new UpdatePushChallengePayload(factor.Sid, challengeSid, ChallengeStatus.Approved));
            Assert.Equal(ChallengeStatus.Approved, approved.Status);
        }

        Assert.DoesNotContain(second.Answers, a => a.Status == HttpStatusCode.Unauthorized);
        Assert.Equal(3, second.Answers.Count);
    }
}
