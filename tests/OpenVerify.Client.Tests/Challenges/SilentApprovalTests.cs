using System.Net;

namespace OpenVerify.Client.Tests;

public sealed class SilentApprovalTests
{
    private const string Expected = "YC00000000000000000000000000000001";
    private const string Other = "YC00000000000000000000000000000002";

    private static Dictionary<string, string> Transaction(string id) => new() { ["transaction_id"] = id };

    private static void AnswerApproval(TestDevice device, string pendingBody, string sid)
    {
        device.Api
            .Answer(HttpStatusCode.OK, pendingBody, TestDevice.SignatureFields("sid,factor_sid,details,hidden_details"))
            .Answer(HttpStatusCode.OK)
            .Answer(HttpStatusCode.OK, TestDevice.Challenge(sid, status: "approved"));
    }

    [Fact]
    public async Task Expected_challenge_sid_is_approved_without_ui()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        AnswerApproval(device, TestDevice.Challenge(Expected), Expected);

        var approved = await device.Client.ApproveSilentlyAsync(SilentApproval.ForChallenge(TestDevice.FactorSid, Expected));

        Assert.Equal(ChallengeStatus.Approved, approved.Status);
        Assert.Equal([HttpMethod.Get, HttpMethod.Post, HttpMethod.Get], device.Api.Requests.Select(r => r.Method));
        Assert.EndsWith("/Challenges/" + Expected, device.Api.Requests[1].Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_for_another_challenge_is_refused_without_any_request()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();

        await Expect.InputErrorAsync(
            InputErrorReason.UnexpectedChallenge,
            () => device.Client.ApproveSilentlyAsync(SilentApproval.ForChallenge(TestDevice.FactorSid, Expected), incomingChallengeSid: Other));

        Assert.Empty(device.Api.Requests);
    }

    [Fact]
    public async Task A_server_answering_with_another_challenge_is_refused_before_posting()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(Other), TestDevice.SignatureFields());

        await Expect.InputErrorAsync(
            InputErrorReason.UnexpectedChallenge,
            () => device.Client.ApproveSilentlyAsync(SilentApproval.ForChallenge(TestDevice.FactorSid, Expected)));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Transaction_in_hidden_details_of_the_pushed_challenge_is_approved()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        AnswerApproval(device, TestDevice.Challenge(Expected, hidden: Transaction("tx-42")), Expected);

        var approved = await device.Client.ApproveSilentlyAsync(
            SilentApproval.ForTransaction(TestDevice.FactorSid, "transaction_id", "tx-42"), incomingChallengeSid: Expected);

        Assert.Equal(Expected, approved.Sid);
        Assert.Equal(3, device.Api.Requests.Count);
    }

    [Fact]
    public async Task Different_transaction_is_refused_before_posting()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(Expected, hidden: Transaction("tx-other")), TestDevice.SignatureFields());

        await Expect.InputErrorAsync(
            InputErrorReason.UnexpectedChallenge,
            () => device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(TestDevice.FactorSid, "transaction_id", "tx-42"), Expected));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Challenge_without_hidden_details_is_refused_for_a_transaction()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(Expected).Replace("{\"key1\":\"value1\"}", "null", StringComparison.Ordinal), TestDevice.SignatureFields());

        await Expect.InputErrorAsync(
            InputErrorReason.UnexpectedChallenge,
            () => device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(TestDevice.FactorSid, "transaction_id", "tx-42"), Expected));
    }

    [Fact]
    public async Task Transaction_without_a_push_is_found_among_pending_challenges()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api
            .Answer(HttpStatusCode.OK, TestDevice.Page("DNnext", TestDevice.Challenge(Other, hidden: Transaction("tx-1"))))
            .Answer(HttpStatusCode.OK, TestDevice.Page(null, TestDevice.Challenge(Expected, hidden: Transaction("tx-42"))));
        AnswerApproval(device, TestDevice.Challenge(Expected, hidden: Transaction("tx-42")), Expected);

        var approved = await device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(TestDevice.FactorSid, "transaction_id", "tx-42"));

        Assert.Equal(Expected, approved.Sid);
        Assert.Equal("?PageSize=50&FactorSid=factorSid&Order=desc&Status=pending", device.Api.Requests[0].Uri.Query);
        Assert.Equal("DNnext", device.Api.Requests[1].Query.Single(p => p.Key == "PageToken").Value);
        Assert.EndsWith("/Challenges/" + Expected, device.Api.Requests[3].Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_pending_challenge_with_the_transaction_is_refused()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Page(null, TestDevice.Challenge(Other, hidden: Transaction("tx-1"))));

        await Expect.InputErrorAsync(
            InputErrorReason.UnexpectedChallenge,
            () => device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(TestDevice.FactorSid, "transaction_id", "tx-42")));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Two_pending_challenges_with_the_transaction_are_refused_as_ambiguous()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Page(
            null,
            TestDevice.Challenge(Expected, hidden: Transaction("tx-42")),
            TestDevice.Challenge(Other, hidden: Transaction("tx-42"))));

        await Expect.InputErrorAsync(
            InputErrorReason.AmbiguousChallenge,
            () => device.Client.ApproveSilentlyAsync(SilentApproval.ForTransaction(TestDevice.FactorSid, "transaction_id", "tx-42")));
    }

    [Theory]
    [InlineData("approved", InputErrorReason.AlreadyUpdatedChallenge)]
    [InlineData("denied", InputErrorReason.AlreadyUpdatedChallenge)]
    [InlineData("expired", InputErrorReason.ExpiredChallenge)]
    public async Task Challenge_that_is_not_pending_is_refused(string status, InputErrorReason reason)
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(Expected, status: status));

        await Expect.InputErrorAsync(reason, () => device.Client.ApproveSilentlyAsync(SilentApproval.ForChallenge(TestDevice.FactorSid, Expected)));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public async Task Challenge_of_a_different_factor_is_refused()
    {
        using var device = new TestDevice();
        await device.EnrolAsync();
        device.Api.Answer(HttpStatusCode.OK, TestDevice.Challenge(Expected, factorSid: "YFother"), TestDevice.SignatureFields());

        await Expect.InputErrorAsync(
            InputErrorReason.WrongFactor,
            () => device.Client.ApproveSilentlyAsync(SilentApproval.ForChallenge(TestDevice.FactorSid, Expected)));

        Assert.Single(device.Api.Requests);
    }

    [Fact]
    public void Matches_requires_factor_sid_and_transaction()
    {
        var challenge = new Challenge(
            Expected,
            new ChallengeDetails("m", [], null),
            Transaction("tx-42"),
            "YFmine",
            ChallengeStatus.Pending,
            TestDevice.Start,
            TestDevice.Start,
            TestDevice.Start.AddMinutes(5));

        Assert.True(SilentApproval.ForChallenge("YFmine", Expected).Matches(challenge));
        Assert.True(SilentApproval.ForTransaction("YFmine", "transaction_id", "tx-42").Matches(challenge));
        Assert.False(SilentApproval.ForTransaction("YFmine", "transaction_id", "TX-42").Matches(challenge));
        Assert.False(SilentApproval.ForTransaction("YFmine", "other_key", "tx-42").Matches(challenge));
        Assert.False(SilentApproval.ForChallenge("YFother", Expected).Matches(challenge));
        Assert.False(SilentApproval.ForChallenge("YFmine", Other).Matches(challenge));
    }
}
