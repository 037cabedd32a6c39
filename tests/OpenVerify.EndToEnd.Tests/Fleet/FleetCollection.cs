
namespace OpenVerify.EndToEnd.Tests.Fleet;

/// <summary>
/// The fleet tests run one after another: each starts up to three server processes and a PostgreSQL
/// server, and on a small machine two such fleets at once starve each other's timeouts.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FleetCollection
{
    public const string Name = "fleet";
}
