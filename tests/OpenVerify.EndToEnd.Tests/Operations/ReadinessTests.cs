using System.Net;
using System.Text.Json;
using OpenVerify.TestKit.Postgres;

namespace OpenVerify.EndToEnd.Tests.Operations;

/// <summary>Readiness follows the database: a real server on a PostgreSQL test cluster that is stopped and started again.</summary>
public sealed class ReadinessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ready_is_503_while_postgres_is_stopped_and_200_once_it_is_back_while_live_stays_200()
    {
        // A cluster of its own: the shared one must never be stopped.
        await using var cluster = await PostgresCluster.StartAsync();
        var connection = await cluster.CreateDatabaseAsync("readiness");
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions { Storage = "postgres", Connection = connection });
        using var http = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, server, "/healthz/ready")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, server, "/healthz/live")).Status);

        await cluster.StopServerAsync();
        (HttpStatusCode Status, string Body) notReady = (HttpStatusCode.OK, "");
        await Eventually.WaitAsync(async () => (notReady = await GetAsync(http, server, "/healthz/ready")).Status != HttpStatusCode.OK, Bound, "/healthz/ready not 200 with the database stopped");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        using (var error = JsonDocument.Parse(notReady.Body))
        {
            Assert.Equal(20503, error.RootElement.GetProperty("code").GetInt32());
            Assert.Equal(503, error.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("database", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // /healthz is readiness too; liveness does not depend on the database.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync(http, server, "/healthz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, server, "/healthz/live")).Status);

        await cluster.StartServerAsync();
        await Eventually.WaitAsync(async () => (await GetAsync(http, server, "/healthz/ready")).Status == HttpStatusCode.OK, Bound, "/healthz/ready 200 once the database is back");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, server, "/healthz")).Status);
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, ServerProcess server, string path)
    {
        using var response = await http.GetAsync(new Uri(server.BaseUrl, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
