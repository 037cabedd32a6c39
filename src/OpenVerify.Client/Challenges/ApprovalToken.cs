using System.Text.Json;

namespace OpenVerify.Client;

/// <summary>
/// The challenge-update <c>AuthPayload</c>: a JWS over the fields the server listed in
/// <c>Twilio-Verify-Signature-Fields</c>, copied from the GET body, plus the new status (docs/protocol/device.md §4, step 2).
/// </summary>
internal static class ApprovalToken
{
    /// <summary>The field list: split on "," with no trimming, as both SDKs do.</summary>
    public static string[] ParseFields(string? header) =>
        string.IsNullOrEmpty(header) ? [] : header.Split(',');

    /// <summary>Builds the payload JSON: each listed field's value as a JSON value, then <c>status</c>.</summary>
    public static byte[] Payload(IReadOnlyList<string> fields, JsonElement challenge, string status, AnswerExtras? extras = null) =>
        DeviceJwtSigner.Json(w =>
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                if (!written.Add(field))
                {
                    continue;
                }

                if (field == "status")
                {
                    // Note: the SDK overwrites a listed status with the requested one.
                    w.WriteString("status", status);
                    continue;
                }

                if (!challenge.TryGetProperty(field, out var value))
                {
                    throw VerifyClientException.Input(InputErrorReason.SignatureFields, $"Signature field '{field}' is not in the challenge response");
                }

                w.WritePropertyName(field);
                value.WriteTo(w);
            }

            if (!written.Contains("status"))
            {
                w.WriteString("status", status);
            }

            // OpenVerify members, under the same signature (so bound to this challenge's sid).
            if (extras?.Number is { } number)
            {
                w.WriteNumber("number_match", number);
            }

            if (extras?.Report == true)
            {
                w.WriteBoolean("reported", true);
            }
        });

    /// <summary>Signs the payload with the factor key; header <c>{"typ":"JWT","alg":"ES256"}</c>, no kid, no cty.</summary>
    public static Task<string> SignAsync(IKeyStore keys, Factor factor, IReadOnlyList<string> fields, JsonElement challenge, string status, CancellationToken cancellationToken, AnswerExtras? extras = null)
    {
        var header = DeviceJwtSigner.Json(w =>
        {
            w.WriteString("typ", "JWT");
            w.WriteString("alg", "ES256");
        });
        return JwsSigner.SignAsync(keys, factor.KeyAlias, header, Payload(fields, challenge, status, extras), cancellationToken);
    }
}

/// <summary>OpenVerify's signed additions to an answer: the picked number, and deny-and-report.</summary>
internal sealed record AnswerExtras(int? Number, bool Report);
