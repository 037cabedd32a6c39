
namespace OpenVerify.Cli.Tests;

/// <summary>The tests that share one <see cref="ServerFixture"/> (an <c>openverify serve</c> process).</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "openverify serve";
}
