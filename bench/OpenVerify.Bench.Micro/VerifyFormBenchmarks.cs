using BenchmarkDotNet.Attributes;
using OpenVerify.Server.Http;

namespace OpenVerify.Bench.Micro;

/// <summary>Http/VerifyForm.Parse on the two POST bodies of a flow, and the accessors the handlers call.</summary>
[MemoryDiagnoser]
public class VerifyFormBenchmarks
{
    private const string CreateChallengeBody =
        "FactorSid=YF0123456789abcdef0123456789abcdef&Details.Message=Log%20in%20to%20OpenVerify%20bench%3F"
        + "&Details.Fields=%7B%22label%22%3A%22Location%22%2C%22value%22%3A%22Lisbon%2C%20PT%22%7D"
        + "&Details.Fields=%7B%22label%22%3A%22IP%22%2C%22value%22%3A%22203.0.113.7%22%7D"
        + "&HiddenDetails=%7B%22request_id%22%3A%22bench%22%7D";

    // An approval AuthPayload is a ~700-character compact JWS: base64url, so nothing to percent-decode.
    private static readonly string ApproveBody = "AuthPayload=" + new string('A', 36) + "." + new string('B', 560) + "." + new string('C', 86);

    [Benchmark(Baseline = true)]
    public int ParseCreateChallenge()
    {
        var form = VerifyForm.Parse(CreateChallengeBody);
        return form.Get("FactorSid")!.Length + form.All("Details.Fields").Count + form.Get("Details.Message")!.Length;
    }

    [Benchmark]
    public int ParseApprove() => VerifyForm.Parse(ApproveBody).Get("AuthPayload")!.Length;

    [Benchmark]
    public int ParseHiddenDetailsMap() => VerifyForm.Parse(CreateChallengeBody).StringMap("HiddenDetails", 1024)!.Count;
}
