using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenVerify.Server.Storage.Sql;

namespace OpenVerify.Server.Factors.Totp;

/// <summary>Registers TOTP factors: <see cref="TotpOptions"/> (validated at start), the code check and its store.</summary>
public static class TotpHosting
{
    /// <summary>Adds the TOTP services.</summary>
    public static IServiceCollection AddTotpFactors(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TotpOptions>().Bind(configuration.GetSection(TotpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<TotpCheck>();
        services.TryAddSingleton<ITotpStore, SqlTotpStore>();
        return services;
    }
}
