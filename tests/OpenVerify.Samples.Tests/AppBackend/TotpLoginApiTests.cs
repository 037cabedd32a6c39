using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenVerify.AppBackend.Logins;
using OpenVerify.AppBackend.Users;
using OpenVerify.Samples.Tests.Support;
using OtpNet;

namespace OpenVerify.Samples.Tests.AppBackend;

/// <summary>
/// TOTP as the fallback login against a real OpenVerify server, with codes from an independent
/// implementation (Otp.NET), as an authenticator app would compute them.
/// </summary>
[Collection(OpenVerifyCollection.Name)]
public sealed class TotpLoginApiTests(OpenVerifyFixture fixture)
{
    [Fact]
    public async Task A_signed_in_user_enrols_an_authenticator_and_then_logs_in_with_a_code()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var app = await backend.SignedInAsync(Backend.Alice);

        var (factorSid, totp) = await EnrolAsync(app);
        using (var wrong = await app.PostAsJsonAsync("/totp/verify", new TotpLoginApi.TotpVerifyRequest(factorSid, WrongCode(totp)), Backend.Json))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
            Assert.Equal(60311, (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
        }

        var verified = await PostAsync<TotpLoginApi.TotpCodeStatus>(app, "/totp/verify", new TotpLoginApi.TotpVerifyRequest(factorSid, Code(totp, 0)));
        Assert.Equal("verified", verified.Status);

        var browser = backend.NewBrowser();
        var login = await PostAsync<TotpLoginApi.TotpCodeStatus>(browser, "/login/totp", new TotpLoginApi.TotpLoginRequest("alice", Code(totp, 1)));
        Assert.Equal(("approved", true), (login.Status, login.SignedIn));
        using var me = await browser.GetAsync("/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task A_wrong_or_replayed_code_is_401_and_starts_no_session()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var (totp, first) = await VerifiedAuthenticatorAsync(backend, Backend.Alice);
        var browser = backend.NewBrowser();

        using var wrong = await browser.PostAsJsonAsync("/login/totp", new TotpLoginApi.TotpLoginRequest("alice", WrongCode(totp)), Backend.Json);
        using var replayed = await browser.PostAsJsonAsync("/login/totp", new TotpLoginApi.TotpLoginRequest("alice", first), Backend.Json);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        using var me = await browser.GetAsync("/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task After_five_wrong_codes_the_login_answers_429_with_60310()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var (totp, _) = await VerifiedAuthenticatorAsync(backend, Backend.Bob);
        var browser = backend.NewBrowser();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await browser.PostAsJsonAsync("/login/totp", new TotpLoginApi.TotpLoginRequest("bob", WrongCode(totp)), Backend.Json);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Locked: even the right code is refused until the lock ends.
        using var locked = await browser.PostAsJsonAsync("/login/totp", new TotpLoginApi.TotpLoginRequest("bob", Code(totp, 1)), Backend.Json);

        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(60310, (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Enrolling_needs_a_session_and_a_user_without_an_authenticator_cannot_log_in_with_a_code()
    {
        await using var backend = await Backend.StartAsync(fixture.Server);
        var anonymous = backend.NewBrowser();

        using var enrol = await anonymous.PostAsync("/totp", null);
        using var login = await anonymous.PostAsJsonAsync("/login/totp", new TotpLoginApi.TotpLoginRequest("alice", "123456"), Backend.Json);
        using var unknown = await anonymous.PostAsJsonAsync("/login/totp", new TotpLoginApi.TotpLoginRequest("nobody", "123456"), Backend.Json);

        Assert.Equal(HttpStatusCode.Unauthorized, enrol.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    /// <summary>
    /// <paramref name="user"/> signs in and enrols an authenticator, verified with the current code,
    /// which is returned as spent (it is refused for the rest of its window).
    /// </summary>
    private static async Task<(Totp Totp, string Spent)> VerifiedAuthenticatorAsync(Backend backend, DemoUser user)
    {
        var app = await backend.SignedInAsync(user);
        var (factorSid, totp) = await EnrolAsync(app);
        var first = Code(totp, 0);
        var verified = await PostAsync<TotpLoginApi.TotpCodeStatus>(app, "/totp/verify", new TotpLoginApi.TotpVerifyRequest(factorSid, first));
        Assert.Equal("verified", verified.Status);
        return (totp, first);
    }

    private static async Task<(string FactorSid, Totp Totp)> EnrolAsync(HttpClient app)
    {
        using var response = await app.PostAsync("/totp", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var enrolment = (await response.Content.ReadFromJsonAsync<TotpLoginApi.TotpEnrolment>(Backend.Json))!;
        Assert.StartsWith("otpauth://totp/", enrolment.Uri);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(enrolment.Uri).Query);
        Assert.Equal("6", query["digits"]);
        return (enrolment.FactorSid, new Totp(Base32Encoding.ToBytes(query["secret"]), 30, OtpHashMode.Sha1, 6));
    }

    /// <summary>The code <paramref name="stepsAhead"/> steps of 30 s after now.</summary>
    private static string Code(Totp totp, int stepsAhead) => totp.ComputeTotp(TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(30 * stepsAhead));

    /// <summary>A six-digit code that none of the steps around now has.</summary>
    private static string WrongCode(Totp totp)
    {
        var window = Enumerable.Range(-3, 7).Select(n => Code(totp, n)).ToHashSet();
        return Enumerable.Range(0, 10).Select(n => new string((char)('0' + n), 6)).First(c => !window.Contains(c));
    }

    private static async Task<T> PostAsync<T>(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body, Backend.Json);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(Backend.Json))!;
    }
}
