using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Tests.Infrastructure;

namespace OpenVerify.Server.Tests.Factors.Totp;

/// <summary>
/// Challenges of totp factors (docs/protocol/rest-api.md (b) 45, 49): answered by the code, replay refused for the
/// rest of its window (on every instance), and the factor locked after too many wrong codes (60310).
/// </summary>
public sealed class TotpChallengeTests
{
    private const int MaxFailures = 5; // TotpOptions.MaxFailedAttempts
    private static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15); // TotpOptions.LockDuration

    [Fact]
    public async Task A_wrong_code_creates_the_challenge_denied()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        var denied = (await api.PostTotpChallengeAsync(totp, totp.WrongCodeAt(api.Clock.GetUtcNow()))).Expect(201);
        Assert.Equal(("denied", "totp"), (denied.Str("status"), denied.Str("factor_type")));
        Assert.NotNull(denied.Str("date_responded"));
    }

    [Fact]
    public async Task An_accepted_code_is_refused_for_the_rest_of_its_window_and_the_next_step_is_accepted()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        var now = api.Clock.GetUtcNow();
        var code = totp.CodeAt(now);
        Assert.Equal("approved", (await api.PostTotpChallengeAsync(totp, code)).Expect(201).Str("status"));
        Assert.Equal("denied", (await api.PostTotpChallengeAsync(totp, code)).Expect(201).Str("status"));
        // Still inside the window (skew 1): the same code, and the previous step's, stay spent.
        api.Clock.Advance(TimeSpan.FromSeconds(totp.Period));
        Assert.Equal("denied", (await api.PostTotpChallengeAsync(totp, code)).Expect(201).Str("status"));
        Assert.Equal("denied", (await api.PostTotpChallengeAsync(totp, totp.CodeAt(now, -1))).Expect(201).Str("status"));
        Assert.Equal("approved", (await api.PostTotpChallengeAsync(totp, totp.CodeAt(api.Clock.GetUtcNow()))).Expect(201).Str("status"));
    }

    [Fact]
    public async Task The_code_that_verified_the_factor_cannot_approve_a_challenge()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync(verify: false);
        var code = totp.CodeAt(api.Clock.GetUtcNow());
        (await api.Account.PostAsync(totp.FactorPath, ("AuthPayload", code))).Expect(200);
        Assert.Equal("denied", (await api.PostTotpChallengeAsync(totp, code)).Expect(201).Str("status"));
    }

    [Fact]
    public async Task Concurrent_requests_with_one_code_have_exactly_one_winner()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        var code = totp.CodeAt(api.Clock.GetUtcNow());
        // Note: the losers count as wrong codes, so fewer than the lockout limit race here.
        var answers = await Task.WhenAll(Enumerable.Range(0, MaxFailures).Select(_ => Task.Run(() => api.PostTotpChallengeAsync(totp, code))));
        var statuses = answers.Select(a => a.Expect(201).Str("status")).ToList();
        Assert.Equal(1, statuses.Count(s => s == "approved"));
        Assert.Equal(MaxFailures - 1, statuses.Count(s => s == "denied"));
    }

    [Fact]
    public async Task Two_instances_on_one_database_accept_a_code_once()
    {
        await using var api = await TestApi.StartAsync(new Dictionary<string, string?>());
        await using var twin = await api.StartTwinAsync();
        var totp = await api.CreateTotpAsync();
        for (var round = 0; round < 5; round++)
        {
            twin.Clock.SetUtcNow(api.Clock.GetUtcNow());
            var code = totp.CodeAt(api.Clock.GetUtcNow());
            var answers = await Task.WhenAll(
                Task.Run(() => api.PostTotpChallengeAsync(totp, code)),
                Task.Run(() => twin.PostTotpChallengeAsync(totp, code)));
            var statuses = answers.Select(a => a.Expect(201).Str("status")).Order().ToList();
            Assert.Equal(["approved", "denied"], statuses);
            // Each instance refuses the code afterwards, whichever won.
            Assert.Equal("denied", (await twin.PostTotpChallengeAsync(totp, code)).Expect(201).Str("status"));
            api.Clock.Advance(TimeSpan.FromSeconds(totp.Period));
        }
    }

    [Fact]
    public async Task The_fifth_wrong_code_is_answered_and_locks_the_factor_then_even_the_right_code_gets_60310()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        var now = api.Clock.GetUtcNow();
        for (var i = 1; i <= MaxFailures; i++)
        {
            Assert.Equal("denied", (await api.PostTotpChallengeAsync(totp, totp.WrongCodeAt(now))).Expect(201).Str("status"));
        }

        var locked = await api.PostTotpChallengeAsync(totp, totp.CodeAt(now));
        locked.ExpectError(60310, 429);
        Assert.Equal(((int)LockDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture), locked.Header("Retry-After"));
        Assert.Equal("true", locked.Header("Twilio-Reached-Rate-Limit"));
        (await api.Account.PostAsync(totp.FactorPath, ("AuthPayload", totp.CodeAt(now)))).ExpectError(60310, 429);
        // The refusals while locked created no challenges: only the five denied ones exist.
        Assert.Equal(MaxFailures, (await api.Account.GetAsync(totp.EntityPath + "/Challenges")).Expect(200)["challenges"]!.AsArray().Count);

        api.Clock.Advance(LockDuration - TimeSpan.FromSeconds(1));
        var almost = await api.PostTotpChallengeAsync(totp, totp.CodeAt(api.Clock.GetUtcNow()));
        almost.ExpectError(60310, 429);
        Assert.Equal("1", almost.Header("Retry-After"));
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("approved", (await api.PostTotpChallengeAsync(totp, totp.CodeAt(api.Clock.GetUtcNow()))).Expect(201).Str("status"));
    }

    [Fact]
    public async Task An_accepted_code_starts_the_failure_count_again()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        for (var i = 1; i < MaxFailures; i++)
        {
            (await api.PostTotpChallengeAsync(totp, totp.WrongCodeAt(api.Clock.GetUtcNow()))).Expect(201);
        }

        Assert.Equal("approved", (await api.PostTotpChallengeAsync(totp, totp.CodeAt(api.Clock.GetUtcNow()))).Expect(201).Str("status"));
        for (var i = 1; i < MaxFailures; i++)
        {
            Assert.Equal("denied", (await api.PostTotpChallengeAsync(totp, totp.WrongCodeAt(api.Clock.GetUtcNow()))).Expect(201).Str("status"));
        }

        api.Clock.Advance(TimeSpan.FromSeconds(totp.Period));
        Assert.Equal("approved", (await api.PostTotpChallengeAsync(totp, totp.CodeAt(api.Clock.GetUtcNow()))).Expect(201).Str("status"));
    }

    [Fact]
    public async Task Locking_emits_one_factor_locked_event_to_a_webhook_that_names_it()
    {
        await using var api = await TestApi.StartAsync();
        var service = await api.CreateServiceAsync();
        (await api.Account.PostAsync($"/v2/Services/{service}/Webhooks", ("FriendlyName", "locks"), ("EventTypes", "factor.locked"), ("WebhookUrl", "http://127.0.0.1:9/hook"))).Expect(201);
        var totp = await api.CreateTotpAsync(service);
        for (var i = 1; i <= MaxFailures + 2; i++)
        {
            await api.Account.PostAsync(totp.FactorPath, ("AuthPayload", totp.WrongCodeAt(api.Clock.GetUtcNow())));
        }

        await using var connection = await api.Services.GetRequiredService<IDatabase>().OpenReadAsync(CancellationToken.None);
        var payloads = (await connection.QueryAsync<string>("SELECT payload FROM outbox WHERE kind = 'event' AND subject = @service ORDER BY id", new { service })).ToList();
        var locked = payloads.Select(p => JsonNode.Parse(p)!).Where(e => e.Str("type") == "factor.locked").ToList();
        Assert.Single(locked);
        Assert.Equal((totp.FactorSid, "totp", totp.Identity), (locked[0].Str("factor_sid"), locked[0].Str("factor_type"), locked[0].Str("entity_identity")));
    }

    [Fact]
    public async Task A_pending_totp_challenge_is_approved_by_UpdateChallenge_with_the_code_and_a_wrong_one_answers_60324()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        var pending = (await api.PostTotpChallengeAsync(totp, null)).Expect(201);
        Assert.Equal("pending", pending.Str("status"));
        var path = totp.EntityPath + "/Challenges/" + pending.Str("sid");
        var now = api.Clock.GetUtcNow();
        (await api.Account.PostAsync(path, ("AuthPayload", totp.WrongCodeAt(now)))).ExpectError(60324, 403);
        (await api.Account.PostAsync(path, ("AuthPayload", "12"))).ExpectError(60200, 400);
        Assert.Equal("pending", (await api.Account.GetAsync(path)).Expect(200).Str("status"));
        var approved = await api.Account.PostAsync(path, ("AuthPayload", totp.CodeAt(now)));
        Assert.Equal("approved", approved.Expect(200).Str("status"));
        Assert.NotNull(approved.Header("Twilio-Verify-Challenge-Signature"));
        (await api.Account.PostAsync(path, ("AuthPayload", totp.CodeAt(now, 1)))).ExpectError(60322, 403);
    }

    [Fact]
    public async Task An_unverified_totp_factor_cannot_be_challenged_60318()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync(verify: false);
        (await api.PostTotpChallengeAsync(totp, totp.CodeAt(api.Clock.GetUtcNow()))).ExpectError(60318, 403);
    }

    [Fact]
    public async Task A_code_of_the_wrong_size_is_refused_with_60200_and_not_counted()
    {
        await using var api = await TestApi.StartAsync();
        var totp = await api.CreateTotpAsync();
        for (var i = 0; i < MaxFailures + 1; i++)
        {
            (await api.PostTotpChallengeAsync(totp, "123456789")).ExpectError(60200, 400);
        }

        Assert.Equal("approved", (await api.PostTotpChallengeAsync(totp, totp.CodeAt(api.Clock.GetUtcNow()))).Expect(201).Str("status"));
    }
}
