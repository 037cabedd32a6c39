using OpenVerify.Server.Challenges;
using static OpenVerify.Server.Tests.Infrastructure.FormInput;

namespace OpenVerify.Server.Tests.Challenges;

/// <summary>The CreateChallenge and UpdateChallenge input records, read from forms without a server.</summary>
[StorageFree]
public sealed class ChallengeFormsTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private const string FactorSid = "YF0123456789abcdef0123456789abcdef";

    private static ChallengeForms.CreateInput Create(string factorType, params (string, string)[] pairs) =>
        ChallengeForms.ReadCreate(Of(pairs), factorType, Now, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(60));

    [Fact]
    public void FactorSid_is_required_and_must_be_a_factor_sid()
    {
        Assert.Equal(FactorSid, ChallengeForms.ReadFactorSid(Of(("FactorSid", FactorSid))));
        Assert.Contains("FactorSid", Refuses(20001, 400, () => ChallengeForms.ReadFactorSid(Of())).Message);
        Refuses(60200, 400, () => ChallengeForms.ReadFactorSid(Of(("FactorSid", "YC0123456789abcdef0123456789abcdef"))));
    }

    [Fact]
    public void A_push_challenge_reads_expiry_details_and_hidden_details_and_ignores_AuthPayload()
    {
        var input = Create("push",
            ("Details.Message", "Log in?"),
            ("Details.Fields", """{"Label":"Amount","Value":12.5}"""),
            ("Details.Fields", """{"label":"Where","value":"Berlin"}"""),
            ("HiddenDetails", """{"ip":"10.0.0.1"}"""),
            ("AuthPayload", "x"));
        Assert.Equal(Now + TimeSpan.FromMinutes(5), input.ExpirationDate);
        Assert.Equal("Log in?", input.Details.Message);
        Assert.Equal([new ChallengeField("Amount", "12.5"), new ChallengeField("Where", "Berlin")], input.Details.Fields);
        Assert.Equal("""[{"label":"Amount","value":"12.5"},{"label":"Where","value":"Berlin"}]""", input.Details.FieldsJson);
        Assert.Equal("""{"ip":"10.0.0.1"}""", input.Details.HiddenDetailsJson);
        Assert.Null(input.Code);
    }

    [Fact]
    public void Without_fields_or_hidden_details_nothing_is_stored_for_them()
    {
        var details = Create("push", ("Details.Message", "Log in?")).Details;
        Assert.Empty(details.Fields);
        Assert.Null(details.FieldsJson);
        Assert.Null(details.HiddenDetailsJson);
    }

    [Fact]
    public void The_message_is_required_for_push_only()
    {
        Assert.Contains("Details.Message is required", Refuses(60368, 400, () => Create("push")).Message);
        Assert.Equal("", Create("totp").Details.Message);
    }

    [Fact]
    public void A_totp_challenge_reads_its_code_within_the_code_lengths()
    {
        Assert.Equal("123456", Create("totp", ("AuthPayload", "123456")).Code);
        Assert.Null(Create("totp").Code);
        Refuses(60200, 400, () => Create("totp", ("AuthPayload", "1")));
    }

    [Theory]
    [InlineData("2030-01-02T03:04:05Z")]
    [InlineData("2030-01-02T02:00:00Z")]
    [InlineData("2030-01-02T04:04:11Z")]
    public void An_expiry_out_of_range_answers_60384_before_the_details_are_read(string expiration) =>
        Refuses(60384, 400, () => Create("push", ("ExpirationDate", expiration), ("Details.Message", new string('m', ChallengeForms.MaxMessage + 1))));

    [Fact]
    public void An_unparsable_expiry_answers_60200()
    {
        Refuses(60200, 400, () => Create("push", ("ExpirationDate", "tomorrow"), ("Details.Message", "Log in?")));
    }

    [Fact]
    public void Details_limits_answer_60368()
    {
        Refuses(60368, 400, () => Create("push", ("Details.Message", new string('m', ChallengeForms.MaxMessage + 1))));
        var tooMany = Enumerable.Repeat(("Details.Fields", """{"label":"a","value":"b"}"""), ChallengeForms.MaxFields + 1);
        Refuses(60368, 400, () => Create("push", [("Details.Message", "Log in?"), .. tooMany]));
        Refuses(60368, 400, () => Create("push", ("Details.Message", "Log in?"), ("Details.Fields", """{"label":"a","Label":"b","value":"c"}""")));
        Refuses(60368, 400, () => Create("push", ("Details.Message", "Log in?"), ("Details.Fields", """{"label":"","value":"c"}""")));
        Refuses(60368, 400, () => Create("push", ("Details.Message", "Log in?"), ("Details.Fields", "not json")));
    }

    [Fact]
    public void Bad_fields_answer_before_bad_hidden_details()
    {
        Refuses(60368, 400, () => Create("push", ("Details.Message", "Log in?"), ("Details.Fields", "[]"), ("HiddenDetails", "[]")));
        Refuses(60200, 400, () => Create("push", ("Details.Message", "Log in?"), ("HiddenDetails", """{"n":1}""")));
    }

    [Fact]
    public void An_answer_needs_AuthPayload_and_reads_Metadata()
    {
        var input = ChallengeForms.ReadAnswer(Of(("AuthPayload", "a.b.c"), ("Metadata", """{"os":"Android"}""")));
        Assert.Equal("a.b.c", input.AuthPayload);
        Assert.Equal("""{"os":"Android"}""", input.MetadataJson);
        Assert.Null(ChallengeForms.ReadAnswer(Of(("AuthPayload", "a.b.c"))).MetadataJson);
        Assert.Contains("AuthPayload", Refuses(20001, 400, () => ChallengeForms.ReadAnswer(Of(("Metadata", "{}")))).Message);
        Refuses(60200, 400, () => ChallengeForms.ReadAnswer(Of(("AuthPayload", "a.b.c"), ("Metadata", "[]"))));
    }

    [Fact]
    public void Reported_is_true_false_or_not_sent()
    {
        Assert.True(ChallengeForms.ReadReported(Of(("Reported", "true"))));
        Assert.Null(ChallengeForms.ReadReported(Of()));
        Refuses(60200, 400, () => ChallengeForms.ReadReported(Of(("Reported", "yes"))));
    }
}
