using OpenVerify.Server.Secrets;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenVerify.Protocol.Sids;
using OpenVerify.Protocol.Signing;
using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Accounts;
using OpenVerify.Server.Challenges;
using OpenVerify.Server.Credentials;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Factors;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Services;
using OpenVerify.Server.Storage;

// Pushes per second from the outbox to a local FCM stand-in: N challenges are created (each with its
// push job, in one transaction, as the API does), then the outbox worker delivers them through the
// real FCM sender (OAuth token from a local token endpoint) while the clock runs.
// Usage: OpenVerify.Bench.Push [--count N] [--parallelism P] [--batch B] [--factors F] [--keep]
var count = Option("--count", 5000);
var parallelism = Option("--parallelism", 16);
var batch = Option("--batch", 64);
var factorCount = Option("--factors", 100);

var received = 0;
var standIn = WebApplication.CreateSlimBuilder();
standIn.Logging.ClearProviders();
standIn.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
var fcm = standIn.Build();
fcm.MapPost("/token", () => Results.Json(new { access_token = "ya29.bench", expires_in = 3599, token_type = "Bearer" }));
fcm.MapPost("/v1/projects/{project}/messages:send", async (HttpContext context, string project) =>
{
    using var body = await JsonDocument.ParseAsync(context.Request.Body);
    var data = body.RootElement.GetProperty("message").GetProperty("data");
    if (context.Request.Headers.Authorization != "Bearer ya29.bench" || data.GetProperty("type").GetString() != "verify_push_challenge")
    {
        return Results.StatusCode(401);
    }

    var n = Interlocked.Increment(ref received);
    return Results.Json(new { name = $"projects/{project}/messages/{n}" });
});
await fcm.StartAsync();
var fcmBase = fcm.Urls.Single();

var dataDirectory = Path.Combine(Path.GetTempPath(), "openverify-bench-push-" + Guid.NewGuid().ToString("N"));
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["OpenVerify:DataDirectory"] = dataDirectory,
    ["OpenVerify:OutboxParallelism"] = parallelism.ToString(CultureInfo.InvariantCulture),
    ["OpenVerify:OutboxBatchSize"] = batch.ToString(CultureInfo.InvariantCulture),
    ["OpenVerify:Push:FcmBaseUrl"] = fcmBase,
    ["OpenVerify:Push:GoogleTokenUrl"] = fcmBase + "/token",
}).Build();
await using var provider = new ServiceCollection().AddLogging().AddOpenVerify(configuration).BuildServiceProvider();
await provider.GetRequiredService<IDatabase>().MigrateAsync(CancellationToken.None);
var clock = provider.GetRequiredService<TimeProvider>();

var account = await provider.GetRequiredService<AccountBootstrap>().CreateAsync("bench", CancellationToken.None);
using var rsa = RSA.Create(2048);
var serviceAccount = JsonSerializer.Serialize(new Dictionary<string, string>
{
    ["type"] = "service_account", ["project_id"] = "bench", ["private_key_id"] = "k1",
    ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(), ["client_email"] = "bench@bench.iam.gserviceaccount.com",
});
var credential = await CredentialsApi.CreateAsync(account.Sid, new CredentialForms.Input("fcm", "bench", false, new PushSecret(serviceAccount)),
    provider.GetRequiredService<ICredentialStore>(), provider.GetRequiredService<SecretBox>(), clock, CancellationToken.None);
var now = clock.GetUtcNow();
var service = new Service
{
    Sid = Sid.New(SidPrefix.Service), AccountSid = account.Sid, FriendlyName = "bench",
    Settings = new ServiceSettings { FcmCredentialSid = credential.Sid }, DateCreated = now.ToUnixTimeSeconds(), DateUpdated = now.ToUnixTimeSeconds(),
};
await provider.GetRequiredService<IServiceStore>().AddAsync(service, CancellationToken.None);

var factors = new List<Factor>();
using var deviceKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
for (var i = 0; i < factorCount; i++)
{
    var factor = new Factor
    {
        Sid = Sid.New(SidPrefix.Factor), AccountSid = account.Sid, ServiceSid = service.Sid, Identity = $"user-{i:D6}", FriendlyName = "phone",
        Status = FactorStatuses.Verified, CredentialSid = Sid.New(SidPrefix.Credential), PublicKey = P256PublicKey.Export(deviceKey), SdkVersion = "0.9.0",
        AppId = "com.example.bench", NotificationPlatform = NotificationPlatforms.Fcm, NotificationToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(40)),
        DateCreated = now.ToUnixTimeSeconds(), DateUpdated = now.ToUnixTimeSeconds(),
    };
    await provider.GetRequiredService<IFactorStore>().AddAsync(factor, 20, null, now.ToUnixTimeSeconds(), _ => [], CancellationToken.None);
    factors.Add(factor);
}

var challenges = provider.GetRequiredService<IChallengeStore>();
var enqueue = Stopwatch.StartNew();
for (var i = 0; i < count; i++)
{
    var factor = factors[i % factors.Count];
    var at = clock.GetUtcNow();
    var challenge = new Challenge
    {
        Sid = Sid.New(SidPrefix.Challenge), AccountSid = account.Sid, ServiceSid = service.Sid, EntitySid = factor.EntitySid, Identity = factor.Identity,
        FactorSid = factor.Sid, Status = ChallengeStatuses.Pending, Message = "Approve sign-in #" + i,
        DateCreated = at.ToUnixTimeSeconds(), DateUpdated = at.ToUnixTimeSeconds(), ExpirationDate = at.AddMinutes(30).ToUnixTimeSeconds(),
    };
    await challenges.TryAddAsync(challenge, PushJob.For(challenge, factor, service.Settings, TimeSpan.FromMinutes(30), at), CancellationToken.None);
}

enqueue.Stop();

// One warm-up push (the OAuth token exchange, first connection) is part of the run, as in production.
var worker = provider.GetRequiredService<OutboxWorker>();
var deliver = Stopwatch.StartNew();
var handled = 0;
while (handled < count)
{
    var n = await worker.RunOnceAsync(CancellationToken.None);
    if (n == 0)
    {
        break;
    }

    handled += n;
}

deliver.Stop();
await fcm.StopAsync();

Console.WriteLine($"push bench: {count} challenges, {factorCount} factors, parallelism {parallelism}, batch {batch}, SQLite, 1 worker");
Console.WriteLine($"  enqueue (challenge + push job per transaction): {count / enqueue.Elapsed.TotalSeconds:F0} challenges/s ({enqueue.Elapsed.TotalSeconds:F2} s)");
Console.WriteLine($"  delivery to the local FCM stand-in:             {received / deliver.Elapsed.TotalSeconds:F0} pushes/s ({received} accepted in {deliver.Elapsed.TotalSeconds:F2} s)");
if (args.Contains("--keep"))
{
    Console.WriteLine($"  data directory kept: {dataDirectory} (inspect with: openverify push-log --data <dir>)");
}
else
{
    await provider.DisposeAsync();
    Directory.Delete(dataDirectory, recursive: true);
}

return received == count ? 0 : 1;

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
