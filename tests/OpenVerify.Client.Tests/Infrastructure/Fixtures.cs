namespace OpenVerify.Client.Tests;

/// <summary>The response fixtures of docs/protocol/device.md §5, verbatim.</summary>
internal static class Fixtures
{
    public const string CreateFactorValid = """
        {
          "account_sid": "accountSid",
          "sid": "factorSid",
          "friendly_name": "friendlyName",
          "factor_type": "push",
          "date_created": "2020-02-19T16:39:57Z",
          "date_updated": "976351423",
          "url": "https://twilio.com",
          "config": {
            "credential_sid": "credentialSid"
          },
          "status": "unverified"
        }
        """;

    public const string UpdateFactorValid = """
        {
          "account_sid": "accountSid",
          "sid": "factorSid",
          "friendly_name": "friendlyName",
          "factor_type": "push",
          "date_created": "2020-02-19T16:39:57-08:00",
          "date_updated": "976351423",
          "url": "https://twilio.com",
          "config": {
            "credential_sid": "credentialSid"
          },
          "status": "unverified"
        }
        """;

    public const string VerifyFactorValid = """
        {
          "status": "verified"
        }
        """;

    /// <summary>create_factor_invalid, update_factor_invalid, verify_factor_invalid and iOS invalid_response.</summary>
    public const string Invalid = """
        {
          "response": "response"
        }
        """;

    /// <summary>The iOS create fixture: note the trailing comma, which is not strict JSON.</summary>
    public const string IosCreateFactorWithTrailingComma = """
        {
          "identity": "factorIdentity",
          "factor_type": "push",
          "service_sid": "VA08fb7bxxxxxxxxxxxxxx55296dui72s",
          "status": "unverified",
          "config": {
            "credential_sid": "credentialSid"
          },
          "entity_sid": "entitySid",
          "account_sid": "accountSid",
          "url": "https://twilio.com",
          "date_created": "2020-07-16T20:46:34Z",
          "sid": "factorSid",
          "date_updated": "2020-07-16T20:46:34Z",
          "friendly_name": "friendlyName",
        }
        """;

    public const string GetChallengePendingValid = """
        {
          "sid":"challengeSid",
          "factor_sid":"factorSid",
          "date_created":"2020-02-19T16:39:57-08:00",
          "date_updated":"2020-02-21T18:39:57-08:00",
          "status":"pending",
          "details":{"message":"message123","fields":[{"label":"label123","value":"value123"}],"date":"2020-02-19T16:39:57-08:00"},
          "hidden_details":{"key1":"value1"},
          "expiration_date":"2020-02-27T08:50:57-08:00"
        }
        """;

    public const string GetChallengeApprovedValid = """
        {
          "sid":"challengeSid",
          "factor_sid":"factorSid",
          "date_created":"2020-02-19T16:39:57-08:00",
          "date_updated":"2020-02-21T18:39:57-08:00",
          "status":"approved",
          "details":{"message":"message123","fields":[{"label":"label123","value":"value123"}],"date":"2020-02-19T16:39:57-08:00"},
          "hidden_details":{"key1":"value1"},
          "expiration_date":"2020-02-27T08:50:57-08:00"
        }
        """;

    /// <summary>The tests' signature-fields header: every top-level key of the pending fixture.</summary>
    public const string PendingSignatureFields = "sid,factor_sid,date_created,date_updated,status,details,hidden_details,expiration_date";

    public const string GetChallengesValid = """
        {
          "challenges": [
            {
              "status": "pending",
              "date_responded": null,
              "date_updated": "2020-03-20T15:53:25Z",
              "expiration_date": "2020-03-21T15:53:25Z",
              "factor_sid": "YF036e2693e1xxxxxxxxxxf4d79b75820b",
              "responded_reason": "none",
              "hidden_details": null,
              "account_sid": "ACc8563daxxxxxxxxxx7638f5738726fbd",
              "factor_type": "push",
              "entity_sid": "YEd2dd9fxxxxxxxxxx5aa9bcc1a07401df",
              "details": {"message":"test","date":"2020-03-20T15:53:25Z","fields":[{"label":"asd","value":"ertertre"}]},
              "sid": "YC0328e2a0xxxxxxxxxx4f81590ef8e102",
              "date_created": "2020-03-20T15:53:25Z",
              "service_sid": "VAe1bea4a1xxxxxxxxxx099ac454d9f8c9",
              "identity": "YEbd15653d1xxxxxxxxxxx6255230301815"
            },
            {
              "status": "pending",
              "date_responded": null,
              "date_updated": "2020-03-16T17:35:12Z",
              "expiration_date": "2020-03-17T17:35:12Z",
              "factor_sid": "YF036e2693e1xxxxxxxxxxf4d79b75820b",
              "responded_reason": "none",
              "hidden_details": null,
              "account_sid": "ACc8563daxxxxxxxxxx7638f5738726fbd",
              "factor_type": "push",
              "entity_sid": "YEd2dd9fxxxxxxxxxx5aa9bcc1a07401df",
              "details": {"message":"test","date":"2020-03-16T17:35:12Z","fields":[{"label":"asd","value":"ertertre"}]},
              "sid": "YC033ef130xxxxxxxxxx1a8cc4b16065e1",
              "date_created": "2020-03-16T17:35:12Z",
              "service_sid": "VAe1bea4a1xxxxxxxxxx099ac454d9f8c9",
              "identity": "YEbd15653d1xxxxxxxxxxx6255230301815"
            }
          ],
          "meta": {
            "page": 0,
            "page_size": 2,
            "first_page_url": "https://verify.twilio.com/v2/Services/VAe1bea4a1xxxxxxxxxx099ac454d9f8c9/Entities/YEd2dd9fxxxxxxxxxx5aa9bcc1a07401df/Factors/YF036e2693e1xxxxxxxxxxf4d79b75820b/Challenges?Status=pending&PageSize=2&Page=0",
            "previous_page_url": "https://verify.twilio.com/v2/Services/VAe1bea4a1xxxxxxxxxx099ac454d9f8c9/Entities/YEd2dd9fxxxxxxxxxx5aa9bcc1a07401df/Factors/YF036e2693e1xxxxxxxxxxf4d79b75820b/Challenges?Status=pending&PageSize=2&Page=1&PageToken=DNYC032ef13349d312c1d31a8cc4b16065e1",
            "url": "https://verify.twilio.com/v2/Services/VAe1bea4a1xxxxxxxxxx099ac454d9f8c9/Entities/YEd2dd9fxxxxxxxxxx5aa9bcc1a07401df/Factors/YF036e2693e1xxxxxxxxxxf4d79b75820b/Challenges?Status=pending&PageSize=2&Page=0&PageToken=DNYC03164b0d71dbf3c15a1dbf553fcc2af2",
            "next_page_url": "https://verify.twilio.com/v2/Services/VAe1bea4a1xxxxxxxxxx099ac454d9f8c9/Entities/YEd2dd9fxxxxxxxxxx5aa9bcc1a07401df/Factors/YF036e2693e1xxxxxxxxxxf4d79b75820b/Challenges?Status=pending&PageSize=2&Page=1&PageToken=DNYC033ef13049d311c1d31a8cc4b16065e1",
            "key": "challenges"
          }
        }
        """;

    /// <summary>A Twilio error body.</summary>
    public static string Error(int code, int status, string message) =>
        $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""";
}
