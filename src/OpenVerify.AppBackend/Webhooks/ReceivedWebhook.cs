namespace OpenVerify.AppBackend.Webhooks;

/// <summary>One verified webhook (docs/protocol/service-behaviour.md §3, v2 payload).</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Fields, DateTimeOffset ReceivedAt)
{
    /// <summary>The delivery's unique id (the same on every retry).</summary>
    public string Uuid => Get("uuid") ?? "";

    /// <summary><c>factor.created</c>, <c>factor.verified</c>, <c>factor.deleted</c>, <c>challenge.approved</c>, <c>challenge.denied</c>.</summary>
    public string Type => Get("type") ?? "";

    /// <summary>The service.</summary>
    public string? ServiceSid => Get("service_sid");

    /// <summary>The user's identity.</summary>
    public string? EntityIdentity => Get("entity_identity");

    /// <summary>The factor.</summary>
    public string? FactorSid => Get("factor_sid");

    /// <summary>The challenge, for challenge events.</summary>
    public string? ChallengeSid => Get("challenge_sid");

    /// <summary>The challenge's status, for challenge events.</summary>
    public string? ChallengeStatus => Get("challenge_status");

    /// <summary>The challenge's hidden details (a JSON object), for challenge events.</summary>
    public string? ChallengeHiddenDetails => Get("challenge_hidden_details");

    private string? Get(string name) => Fields.TryGetValue(name, out var value) ? value : null;
}
