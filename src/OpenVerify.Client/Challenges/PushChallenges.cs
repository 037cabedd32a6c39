using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>The challenge operations (R5–R7, docs/protocol/device.md §4) over the transport and local stores.</summary>
internal sealed class PushChallenges(ApiTransport transport, LocalKeys keys, LocalFactors factors)
{
    private const int TransactionSearchPageSize = 50;
    private const int TransactionSearchMaxPages = 20;

    public async Task<Challenge> GetAsync(string challengeSid, string factorSid, CancellationToken cancellationToken)
    {
        RequireChallengeSid(challengeSid);
        var factor = await factors.LoadAsync(factorSid, cancellationToken).ConfigureAwait(false);
        var response = await transport.SendAsDeviceAsync(ApiRequest.Get(ApiPaths.Challenge(factor, challengeSid)), factor, cancellationToken).ConfigureAwait(false);
        using var document = JsonFields.ParseObject(response.Body);
        var challenge = ChallengeMapper.FromJson(document.RootElement);
        return challenge.FactorSid == factor.Sid ? challenge : throw WrongFactor();
    }

    public async Task<ChallengeList> ListAsync(ChallengeListPayload payload, CancellationToken cancellationToken)
    {
        var factor = await factors.LoadAsync(payload.FactorSid, cancellationToken).ConfigureAwait(false);
        // Note: Android's query order is PageSize, FactorSid, Order, [Status], [PageToken].
        var query = new List<KeyValuePair<string, string>>
        {
            new("PageSize", payload.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("FactorSid", factor.Sid),
            new("Order", payload.Order == ChallengeListOrder.Desc ? "desc" : "asc"),
        };
        if (payload.Status is { } status)
        {
            query.Add(new("Status", ChallengeMapper.ToWire(status)));
        }

        if (payload.PageToken is { } token)
        {
            query.Add(new(PageToken.Parameter, token));
        }

        var response = await transport.SendAsDeviceAsync(ApiRequest.Get(ApiPaths.Challenges(factor), query), factor, cancellationToken).ConfigureAwait(false);
        return ChallengeMapper.ListFromApi(response.Body);
    }

    public async Task<Challenge> UpdateAsync(UpdatePushChallengePayload payload, CancellationToken cancellationToken)
    {
        var factor = await factors.LoadAsync(payload.FactorSid, cancellationToken).ConfigureAwait(false);
        RequireChallengeSid(payload.ChallengeSid);
        if (payload.Report && payload.Status != ChallengeStatus.Denied)
        {
            throw VerifyClientException.Input(InputErrorReason.ReportNeedsDenial, "Only a denial can be reported");
        }

        return await RespondAsync(factor, payload.ChallengeSid, payload.Status, expected: null, cancellationToken, new AnswerExtras(payload.Number, payload.Report)).ConfigureAwait(false);
    }

    public async Task<Challenge> ApproveSilentlyAsync(SilentApproval expected, string? incomingChallengeSid, CancellationToken cancellationToken)
    {
        var factor = await factors.LoadAsync(expected.FactorSid, cancellationToken).ConfigureAwait(false);
        if (incomingChallengeSid is not null && expected.ChallengeSid is not null && incomingChallengeSid != expected.ChallengeSid)
        {
            throw Unexpected();
        }

        var challengeSid = incomingChallengeSid ?? expected.ChallengeSid
            ?? await FindTransactionAsync(factor, expected, cancellationToken).ConfigureAwait(false);
        RequireChallengeSid(challengeSid);
        return await RespondAsync(factor, challengeSid, ChallengeStatus.Approved, expected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET (checks) → POST the signed AuthPayload → GET again (the new status is required).</summary>
    private async Task<Challenge> RespondAsync(Factor factor, string challengeSid, ChallengeStatus status, SilentApproval? expected, CancellationToken cancellationToken, AnswerExtras? extras = null)
    {
        var path = ApiPaths.Challenge(factor, challengeSid);
        var fetched = await transport.SendAsDeviceAsync(ApiRequest.Get(path), factor, cancellationToken).ConfigureAwait(false);
        using var document = JsonFields.ParseObject(fetched.Body);
        var challenge = ChallengeMapper.FromJson(document.RootElement);

        if (challenge.FactorSid != factor.Sid)
        {
            throw WrongFactor();
        }

        if (challenge.Status == ChallengeStatus.Expired)
        {
            throw VerifyClientException.Input(InputErrorReason.ExpiredChallenge, "Expired challenge");
        }

        if (challenge.Status != ChallengeStatus.Pending)
        {
            throw VerifyClientException.Input(InputErrorReason.AlreadyUpdatedChallenge, "Responded or expired challenge");
        }

        if (expected is not null && (challenge.Sid != challengeSid || !expected.Matches(challenge)))
        {
            throw Unexpected();
        }

        if (!await keys.ContainsAsync(factor.KeyAlias, cancellationToken).ConfigureAwait(false))
        {
            throw VerifyClientException.KeyStorage("Key pair not set");
        }

        var fields = ApprovalToken.ParseFields(fetched.FirstHeader(VerifyHeaders.SignatureFields));
        if (fields.Length == 0 || !document.RootElement.EnumerateObject().Any())
        {
            throw VerifyClientException.Input(InputErrorReason.SignatureFields, "Signature fields or response not set");
        }

        // Number matching: an approval names one of the offered numbers; a denial needs none.
        var number = status == ChallengeStatus.Approved ? extras?.Number : null;
        if (status == ChallengeStatus.Approved && challenge.NumberChoices is { } choices && (number is null || !choices.Contains(number.Value)))
        {
            throw VerifyClientException.Input(InputErrorReason.NumberRequired, "This challenge needs the number shown on the login screen, one of " + string.Join(", ", choices));
        }

        var signedExtras = new AnswerExtras(challenge.NumberChoices is null ? null : number, extras?.Report == true);
        var authPayload = await ApprovalToken.SignAsync(keys.Store, factor, fields, document.RootElement, ChallengeMapper.ToWire(status), cancellationToken, signedExtras).ConfigureAwait(false);
        List<KeyValuePair<string, string>> form = [new("AuthPayload", authPayload)];
        if (signedExtras.Report)
        {
            form.Add(new("Reported", "true"));
        }

        await transport.SendAsDeviceAsync(ApiRequest.Post(path, form), factor, cancellationToken).ConfigureAwait(false);

        var refetched = await transport.SendAsDeviceAsync(ApiRequest.Get(path), factor, cancellationToken).ConfigureAwait(false);
        using var updatedDocument = JsonFields.ParseObject(refetched.Body);
        var updated = ChallengeMapper.FromJson(updatedDocument.RootElement);
        if (status == ChallengeStatus.Approved && updated.Status == ChallengeStatus.Denied && updated.DenialReason == "wrong_number")
        {
            throw VerifyClientException.Input(InputErrorReason.WrongNumber, "Denied: the number picked is not the one the login screen shows");
        }

        return updated.Status == status
            ? updated
            : throw VerifyClientException.Input(InputErrorReason.NotUpdatedChallenge, "Challenge was not updated");
    }

    /// <summary>The one pending challenge of the factor whose hidden details carry the expected transaction.</summary>
    private async Task<string> FindTransactionAsync(Factor factor, SilentApproval expected, CancellationToken cancellationToken)
    {
        var matches = new List<Challenge>();
        string? pageToken = null;
        for (var page = 0; page < TransactionSearchMaxPages; page++)
        {
            var list = await ListAsync(
                new ChallengeListPayload(factor.Sid, TransactionSearchPageSize, ChallengeStatus.Pending, ChallengeListOrder.Desc, pageToken),
                cancellationToken).ConfigureAwait(false);
            matches.AddRange(list.Challenges.Where(c => c.Status == ChallengeStatus.Pending && expected.Matches(c)));
            pageToken = list.Metadata.NextPageToken;
            if (string.IsNullOrEmpty(pageToken))
            {
                break;
            }
        }

        return matches.Count switch
        {
            1 => matches[0].Sid,
            0 => throw Unexpected(),
            _ => throw VerifyClientException.Input(InputErrorReason.AmbiguousChallenge, "More than one pending challenge carries the expected transaction"),
        };
    }

    private static void RequireChallengeSid(string? challengeSid)
    {
        if (string.IsNullOrWhiteSpace(challengeSid))
        {
            throw VerifyClientException.Input(InputErrorReason.EmptyChallengeSid, "Empty challenge SID");
        }
    }

    private static VerifyClientException WrongFactor() =>
        VerifyClientException.Input(InputErrorReason.WrongFactor, "Wrong factor for challenge");

    private static VerifyClientException Unexpected() =>
        VerifyClientException.Input(InputErrorReason.UnexpectedChallenge, "The challenge is not the one this device expects to approve");
}
