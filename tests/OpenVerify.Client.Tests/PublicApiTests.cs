using OpenVerify.Tests.Shared;

namespace OpenVerify.Client.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_its_committed_baseline() => PublicApiBaseline.Check(typeof(VerifyClient).Assembly);
}
