using System.ComponentModel.DataAnnotations;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Http;

namespace OpenVerify.Server.Hosting;

/// <summary>
/// Request rate limits (section <c>OpenVerify:RateLimits</c>), with ASP.NET Core's rate limiting
/// middleware: backend requests per account credential, and CreateChallenge per entity. Off by
/// default (0). Note: these counters live in each instance's memory, so behind a load balancer
/// with N instances a client may get up to N times the limit; the limits that must hold across
/// instances (pending challenges, cool-downs) are counted in the database instead (docs/security.md).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify:RateLimits";

    /// <summary>The policy name of the per-entity CreateChallenge limit.</summary>
    public const string EntityChallengesPolicy = "openverify-entity-challenges";

    /// <summary>Backend requests one account credential may make per <see cref="AccountWindow"/>; 0 = no limit.</summary>
    [Range(0, 1_000_000)]
    public int AccountRequests { get; set; }

    /// <summary>The window of <see cref="AccountRequests"/> (requests per second by default).</summary>
    [TimeSpanRange("00:00:00.100", "1.00:00:00")]
    public TimeSpan AccountWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>CreateChallenge requests per entity (service and identity) per <see cref="EntityChallengesWindow"/>; 0 = no limit.</summary>
    [Range(0, 1_000_000)]
    public int EntityChallenges { get; set; }

    /// <summary>The window of <see cref="EntityChallenges"/> (per minute by default).</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan EntityChallengesWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Registers and applies the rate limits.</summary>
public static class RateLimits
{
    /// <summary>Binds <see cref="RateLimitOptions"/> and configures the limiter: a global per-account limit and the per-entity policy.</summary>
    public static IServiceCollection AddOpenVerifyRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, configured) =>
        {
            var limits = configured.Value;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                limits.AccountRequests > 0 && AccountKey(http) is { } key
                    ? RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(limits.AccountRequests, limits.AccountWindow))
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.AddPolicy(RateLimitOptions.EntityChallengesPolicy, http =>
                limits.EntityChallenges > 0
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        $"{http.GetRouteValue("serviceSid")}/{http.GetRouteValue("identity")}", _ => Window(limits.EntityChallenges, limits.EntityChallengesWindow))
                    : RateLimitPartition.GetNoLimiter(""));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                await ErrorWriter.WriteAsync(rejected.HttpContext, ErrorCatalogue.TooManyRequests("Too many requests: a rate limit was reached", wait));
            };
        });
        services.AddRateLimiter(_ => { });
        return services;
    }

    /// <summary>
    /// The partition of a backend request: the Basic user (account or API key SID) and a hash of its secret,
    /// so requests with a wrong secret do not use up the real credential's budget. None for devices
    /// (user <c>token</c>, limited by the pending limit and cool-down instead), unauthenticated requests and <c>/healthz</c>.
    /// </summary>
    private static string? AccountKey(HttpContext http)
    {
        if (http.Request.Path.StartsWithSegments("/healthz") ||
            !AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header) ||
            !"Basic".Equals(header.Scheme, StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[512];
        if (header.Parameter.Length > 680 || !Convert.TryFromBase64String(header.Parameter, decoded, out var length))
        {
            return null;
        }

        var pair = Encoding.UTF8.GetString(decoded[..length]);
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || pair.AsSpan(0, colon).SequenceEqual("token"))
        {
            return null;
        }

        return pair[..colon] + ":" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(pair[(colon + 1)..])).AsSpan(0, 8));
    }

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };
}
