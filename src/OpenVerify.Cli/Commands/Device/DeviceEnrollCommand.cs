using System.ComponentModel;
using OpenVerify.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// <c>openverify device enroll</c>: creates a push factor with an enrolment access token and
/// verifies it right away, as the SDK sample apps do.
/// </summary>
public sealed class DeviceEnrollCommand : DeviceCommand<DeviceEnrollCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DeviceSettings
    {
        /// <summary>Server URL.</summary>
        [CommandOption("--server <URL>")]
        [Description("The OpenVerify (or Verify) server, e.g. https://verify.example.com; /v2/ is added")]
        public string? Server { get; init; }

        /// <summary>Service SID.</summary>
        [CommandOption("--service <VA>")]
        [Description("The Verify service SID (with --token)")]
        public string? Service { get; init; }

        /// <summary>Identity.</summary>
        [CommandOption("--identity <IDENTITY>")]
        [Description("The entity identity (with --token; with --backend it is sent as {\"identity\":…})")]
        public string? Identity { get; init; }

        /// <summary>Access token.</summary>
        [CommandOption("--token <TOKEN>")]
        [Description("An enrolment access token (POST /v2/Services/{VA}/AccessTokens)")]
        public string? Token { get; init; }

        /// <summary>App backend's token endpoint.</summary>
        [CommandOption("--backend <URL>")]
        [Description("An app backend endpoint answering POST with {token, serviceSid, identity, factorType}")]
        public string? Backend { get; init; }

        /// <summary>Extra headers for the backend.</summary>
        [CommandOption("--backend-header <HEADER>")]
        [Description("A header for the backend request, 'Name: value' (e.g. a session cookie); repeatable")]
        public string[] BackendHeaders { get; init; } = [];

        /// <summary>Friendly name.</summary>
        [CommandOption("--name <NAME>")]
        [Description("The factor's friendly name (default: openverify CLI on <machine>)")]
        public string? Name { get; init; }

        /// <summary>Push token.</summary>
        [CommandOption("--push-token <TOKEN>")]
        [Description("An FCM token to register (default: none; challenges are polled)")]
        public string? PushToken { get; init; }

        /// <summary>Extra trusted CA.</summary>
        [CommandOption("--ca-cert <PEM>")]
        [Description("Trust this PEM certificate for the server and backend (self-signed or private CA); remembered for the factor")]
        public string? CaCertificate { get; init; }

        /// <summary>Allow http beyond loopback.</summary>
        [CommandOption("--allow-http")]
        [Description("Allow plain http to a host other than this machine")]
        public bool AllowHttp { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Server))
            {
                return ValidationResult.Error("--server is required");
            }

            if (Backend is null && (Token is null || Service is null || Identity is null))
            {
                return ValidationResult.Error("Give --token with --service and --identity, or --backend");
            }

            return Backend is not null && Token is not null
                ? ValidationResult.Error("Give either --token or --backend, not both")
                : ValidationResult.Success();
        }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var caPem = settings.CaCertificate is null ? null : DeviceHome.ReadCertificateFile(settings.CaCertificate);
        var server = DeviceServer.Parse(settings.Server!, settings.AllowHttp, caPem);
        var grant = settings.Backend is null
            ? new AccessTokenGrant(settings.Token!, settings.Service!, settings.Identity!, "push")
            : await FromBackendAsync(settings, caPem, cancellationToken);

        var client = session.ClientFor(server);
        var factor = await client.CreateFactorAsync(
            new PushFactorPayload(settings.Name ?? DefaultName(), grant.ServiceSid, grant.Identity, settings.PushToken, grant.Token),
            cancellationToken);

        // Remember the server before verifying, so a factor whose verification fails can still be deleted.
        session.State.Factors[factor.Sid] = server;
        await session.Home.SaveAsync(session.State, cancellationToken);

        factor = await client.VerifyFactorAsync(new VerifyPushFactorPayload(factor.Sid), cancellationToken);
        var local = new LocalFactor(factor, server);
        if (settings.Json)
        {
            DeviceOutput.WriteJson(DeviceOutput.ToJson(local));
        }
        else
        {
            AnsiConsole.Write(DeviceOutput.FactorsTable([local]));
            AnsiConsole.MarkupLine(factor.Status == FactorStatus.Verified
                ? $"Enrolled and verified factor [green]{factor.Sid}[/] for {Markup.Escape(factor.Identity)}."
                : $"[red]Factor {factor.Sid} was created but the server left it unverified.[/]");
        }

        return factor.Status == FactorStatus.Verified ? 0 : 1;
    }

    // Note: the server takes friendly names of up to 64 characters.
    private static string DefaultName()
    {
        var name = $"openverify CLI on {Environment.MachineName}";
        return name.Length <= 64 ? name : name[..64];
    }

    private static async Task<AccessTokenGrant> FromBackendAsync(Settings settings, string? caPem, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(settings.Backend, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new DeviceCommandException($"--backend must be an http(s) URL, not '{settings.Backend}'");
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback && !settings.AllowHttp)
        {
            throw new DeviceCommandException($"{endpoint} is plain http to a host that is not this machine; use https, or pass --allow-http");
        }

        using var http = DeviceHome.CreateHttpClient(caPem);
        var grant = await AccessTokenBackend.FetchAsync(http, endpoint, settings.BackendHeaders, settings.Identity, cancellationToken);
        if (settings.Service is not null && settings.Service != grant.ServiceSid)
        {
            throw new DeviceCommandException($"The backend's token is for service {grant.ServiceSid}, not {settings.Service}");
        }

        return settings.Identity is not null && settings.Identity != grant.Identity
            ? throw new DeviceCommandException($"The backend's token is for identity {grant.Identity}, not {settings.Identity}")
            : grant;
    }
}
