using System.ComponentModel.DataAnnotations;

namespace OpenVerify.Server.Hosting;

/// <summary>Server settings, bound from the <c>OpenVerify</c> configuration section and validated at start.</summary>
public sealed class OpenVerifyOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "OpenVerify";

    /// <summary>Where the SQLite file lives (<c>{DataDirectory}/openverify.db</c>).</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    [RegularExpression("^(sqlite|postgres)$")]
    public string Storage { get; set; } = "sqlite";

    /// <summary>Connection string; required for postgres, optional override for sqlite.</summary>
    public string? Connection { get; set; }

    /// <summary>Base of absolute URLs in responses; else the request's scheme and host.</summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>Largest accepted request body.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Push factors per entity (docs/protocol/service-behaviour.md §4: 20).</summary>
    [Range(1, 1000)]
    public int MaxPushFactorsPerEntity { get; set; } = 20;

    /// <summary>How long an unverified factor lives before it is deleted (Twilio: 1–24 h).</summary>
    [TimeSpanRange("00:01:00", "7.00:00:00")]
    public TimeSpan UnverifiedFactorLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Challenge lifetime when the backend gives no ExpirationDate.</summary>
    [TimeSpanRange("00:00:10", "01:00:00")]
    public TimeSpan DefaultChallengeExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest challenge lifetime a backend may ask for.</summary>
    [TimeSpanRange("00:00:10", "1.00:00:00")]
    public TimeSpan MaxChallengeExpiry { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How often expired challenges and stale unverified factors are swept.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claimed outbox message is reserved for one instance.</summary>
    [TimeSpanRange("00:00:05", "01:00:00")]
    public TimeSpan OutboxLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the outbox is polled when nothing signals new work.</summary>
    [TimeSpanRange("00:00:00.010", "00:10:00")]
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages claimed per batch.</summary>
    [Range(1, 10000)]
    public int OutboxBatchSize { get; set; } = 64;

    /// <summary>Messages delivered at once.</summary>
    [Range(1, 1024)]
    public int OutboxParallelism { get; set; } = 16;

    /// <summary>How long delivered outbox messages and their attempts are kept.</summary>
    [TimeSpanRange("00:01:00", "365.00:00:00")]
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The SQLite file these options select.</summary>
    public string SqlitePath => Path.Combine(DataDirectory, "openverify.db");
}
