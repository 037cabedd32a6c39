using System.Reflection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;

namespace OpenVerify.Server.Health;

/// <summary>
/// Ready when the database answers and has every migration this build ships: one query on DbUp's
/// journal (<c>schemaversions</c>) does both. A database migrated further by a newer instance is
/// ready too (rolling upgrades share it).
/// </summary>
internal sealed class StorageHealthCheck(IDatabase database, IOptions<OpenVerifyOptions> options) : IHealthCheck
{
    private static readonly Lazy<Dictionary<string, int>> Shipped = new(() =>
    {
        var names = Assembly.GetExecutingAssembly().GetManifestResourceNames();
        return new Dictionary<string, int>
        {
            ["sqlite"] = names.Count(n => n.Contains(".Storage.Sqlite.Migrations.", StringComparison.Ordinal)),
            ["postgres"] = names.Count(n => n.Contains(".Storage.Postgres.Migrations.", StringComparison.Ordinal)),
        };
    });

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        long applied;
        try
        {
            await using var connection = await database.OpenReadAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM schemaversions";
            applied = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Note: the reason is for the operator's log; the unauthenticated probe answer only names the check.
            return HealthCheckResult.Unhealthy("the database cannot be reached", exception);
        }

        var expected = Shipped.Value[options.Value.Storage];
        return applied >= expected
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"migrations not applied ({applied} of {expected})");
    }
}
