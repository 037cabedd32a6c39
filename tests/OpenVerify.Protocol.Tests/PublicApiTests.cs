using OpenVerify.Protocol.Errors;
using OpenVerify.Tests.Shared;

namespace OpenVerify.Protocol.Tests;

public sealed class PublicApiTests
{
    [Fact]
    public void The_public_api_matches_its_committed_baseline() => PublicApiBaseline.Check(typeof(ErrorCatalogue).Assembly);
}
