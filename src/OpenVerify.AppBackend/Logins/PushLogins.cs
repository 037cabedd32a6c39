using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenVerify.AppBackend.Users;
using OpenVerify.AppBackend.Webhooks;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Verify.V2.Service.Entity;

namespace OpenVerify.AppBackend.Logins;

/// <summary>
/// Log in with push: creates a challenge for the user's verified device and learns its outcome from the
/// <c>challenge.approved</c>/<c>challenge.denied</c> webhook, or, when none has come within
/// <see cref="AppBackendOptions.WebhookGrace"/>, by fetching the challenge (polling). Polling also
/// learns <c>expired</c>, for which Twilio sends no webhook.
/// </summary>
public sealed class PushLogins(ITwilioRestClient verify, IOptions<AppBackendOptions> options, TimeProvider clock)
{
    /// <summary>The hidden-details key that carries the transaction id (a device can approve silently by it).</summary>
    public const string TransactionKey = "transaction_id";

    /// <summary>How long a login is remembered after its challenge expired (then its status is 404).</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, PushLogin> byTransaction = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PushLogin> byChallenge = new(StringComparer.Ordinal);

    /// <summary>The login with this transaction id, or null.</summary>
    public PushLogin? Find(string transactionId) => byTransaction.GetValueOrDefault(transactionId);

    /// <summary>
    /// Sends a challenge to the user's newest verified push factor. Null when the user has none.
    /// <paramref name="fields"/> are the label/value pairs the user sees under the message.
    /// </summary>
    public async Task<PushLogin?> StartAsync(DemoUser user, IReadOnlyList<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var factor = await NewestVerifiedFactorAsync(settings.ServiceSid, user.Id);
        if (factor is null)
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var transactionId = "tx-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var now = clock.GetUtcNow();
        var challenge = await ChallengeResource.CreateAsync(
            settings.ServiceSid, user.Id, factor.Sid,
            expirationDate: (now + settings.ChallengeExpiry).UtcDateTime,
            detailsMessage: $"{settings.AppName}: sign in as {user.Username}?",
            detailsFields: fields.Select(f => (object)new Dictionary<string, string> { ["label"] = f.Key, ["value"] = f.Value }).ToList(),
            hiddenDetails: new Dictionary<string, string> { [TransactionKey] = transactionId },
            client: verify);
        var login = new PushLogin(transactionId, user.Username, user.Id, factor.Sid, challenge.Sid, now);
        Forget(now - settings.ChallengeExpiry - Retention);
        byChallenge[login.ChallengeSid] = login;
        byTransaction[transactionId] = login;
        return login;
    }

    /// <summary>
    /// Applies a verified <c>challenge.approved</c>/<c>challenge.denied</c> webhook to its login, if it is
    /// one of ours: same service, identity, challenge and transaction id.
    /// </summary>
    public bool Apply(ReceivedWebhook webhook)
    {
        var status = webhook.Type switch
        {
            "challenge.approved" => "approved",
            "challenge.denied" => "denied",
            _ => null,
        };
        if (status is null || webhook.ChallengeSid is null || webhook.ServiceSid != options.Value.ServiceSid
            || !byChallenge.TryGetValue(webhook.ChallengeSid, out var login) || webhook.EntityIdentity != login.Identity
            || TransactionOf(webhook.ChallengeHiddenDetails) is { } tx && tx != login.TransactionId)
        {
            return false;
        }

        return login.Decide(status, "webhook");
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the outcome: first for the webhook (up to the grace
    /// period), then by fetching the challenge, at least once. The fetch asks OpenVerify to answer only
    /// once the challenge is decided (<c>WaitSeconds</c>, docs/live.md), so one request waits where a
    /// loop polled; a server that ignores it (Twilio) answers at once and is fetched again every
    /// <see cref="AppBackendOptions.PollInterval"/>. Returns with the login still pending if nothing is known by then.
    /// </summary>
    public async Task AwaitOutcomeAsync(PushLogin login, TimeSpan wait, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var deadline = clock.GetUtcNow() + wait;
        await WaitDecidedAsync(login, wait < settings.WebhookGrace ? wait : settings.WebhookGrace, cancellationToken);
        while (login.IsPending)
        {
            var waitSeconds = (int)Math.Clamp(Math.Floor((deadline - clock.GetUtcNow()).TotalSeconds), 0, MaxWaitSeconds);
            var asked = clock.GetUtcNow();
            var challenge = await FetchAsync(login, waitSeconds, cancellationToken);
            login.Decide(challenge.Status.ToString(), "polling");
            var left = deadline - clock.GetUtcNow();
            if (!login.IsPending || left <= TimeSpan.Zero)
            {
                return;
            }

            // Still pending: a server that waited the whole time is asked again at once, one that did not is polled.
            if (clock.GetUtcNow() - asked < TimeSpan.FromSeconds(waitSeconds) || waitSeconds == 0)
            {
                await WaitDecidedAsync(login, left < settings.PollInterval ? left : settings.PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>The longest <c>WaitSeconds</c> OpenVerify accepts.</summary>
    private const int MaxWaitSeconds = 30;

    /// <summary>
    /// FetchChallenge with <c>WaitSeconds</c>. Note: Twilio's helper has no such parameter (it is an
    /// OpenVerify extension), so the request is built by hand and parsed with the helper's own resource type.
    /// </summary>
    private async Task<ChallengeResource> FetchAsync(PushLogin login, int waitSeconds, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (waitSeconds == 0)
        {
            return await ChallengeResource.FetchAsync(settings.ServiceSid, login.Identity, login.ChallengeSid, client: verify);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var request = new Twilio.Http.Request(
            Twilio.Http.HttpMethod.Get, Twilio.Rest.Domain.Verify,
            $"/v2/Services/{settings.ServiceSid}/Entities/{login.Identity}/Challenges/{login.ChallengeSid}",
            queryParams: [new("WaitSeconds", waitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        var response = await verify.RequestAsync(request);
        if ((int)response.StatusCode >= 300)
        {
            throw new ApiException($"Fetching challenge {login.ChallengeSid} failed: {(int)response.StatusCode} {response.Content}");
        }

        return ChallengeResource.FromJson(response.Content);
    }

    private async Task WaitDecidedAsync(PushLogin login, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await login.Decided.WaitAsync(timeout, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Drops logins created before <paramref name="cutoff"/>, so memory stays bounded.</summary>
    private void Forget(DateTimeOffset cutoff)
    {
        foreach (var (transactionId, login) in byTransaction)
        {
            if (login.CreatedAt < cutoff && byTransaction.TryRemove(transactionId, out _))
            {
                byChallenge.TryRemove(login.ChallengeSid, out _);
            }
        }
    }

    private async Task<FactorResource?> NewestVerifiedFactorAsync(string serviceSid, string identity)
    {
        try
        {
            var factors = await FactorResource.ReadAsync(serviceSid, identity, client: verify);
            return factors
                .Where(f => f.Status == FactorResource.FactorStatusesEnum.Verified && f.FactorType == FactorResource.FactorTypesEnum.Push)
                .OrderByDescending(f => f.DateCreated)
                .FirstOrDefault();
        }
        catch (ApiException e) when (e.Status == 404)
        {
            // Note: for a user who never registered (no entity) a server may answer 404 instead of an empty list.
            return null;
        }
    }

    private static string? TransactionOf(string? hiddenDetails)
    {
        if (string.IsNullOrEmpty(hiddenDetails))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(hiddenDetails);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(TransactionKey, out var tx) ? tx.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
