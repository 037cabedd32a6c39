using System.ComponentModel;
using System.Text.Json.Nodes;
using OpenVerify.Server.Factors.Totp;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// <c>openverify device totp add --uri otpauth://…</c>: keeps a TOTP secret under its name
/// (<c>issuer:account</c>, or <c>--name</c>), so codes can be made without an authenticator app.
/// </summary>
public sealed class DeviceTotpAddCommand : DeviceCommand<DeviceTotpAddCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DeviceSettings
    {
        /// <summary>The Key URI.</summary>
        [CommandOption("--uri <URI>")]
        [Description("The otpauth://totp/… Key URI (binding.uri of the create response)")]
        public string? Uri { get; init; }

        /// <summary>The name to keep it under.</summary>
        [CommandOption("--name <NAME>")]
        [Description("Name to keep it under (default issuer:account from the URI)")]
        public string? Name { get; init; }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var uri = settings.Uri is { Length: > 0 } text ? TotpKeyUri.TryParse(text) : throw new DeviceCommandException("--uri is required");
        if (uri is null)
        {
            throw new DeviceCommandException("--uri must be an otpauth://totp/ Key URI with a base32 secret");
        }

        var name = settings.Name ?? (uri.Issuer.Length > 0 ? $"{uri.Issuer}:{uri.Account}" : uri.Account);
        session.State.Totp[name] = settings.Uri!;
        await session.Home.SaveAsync(session.State, cancellationToken);
        if (settings.Json)
        {
            DeviceOutput.WriteJson(new JsonObject { ["name"] = name, ["algorithm"] = uri.Config.Alg, ["digits"] = uri.Config.CodeLength, ["period"] = uri.Config.TimeStep });
        }
        else
        {
            AnsiConsole.MarkupLine($"Kept TOTP secret [bold]{Markup.Escape(name)}[/] ({uri.Config.Alg}, {uri.Config.CodeLength} digits, {uri.Config.TimeStep} s).");
        }

        return 0;
    }
}

/// <summary><c>openverify device totp code [--name NAME]</c>: the current code of a kept secret and how long it lasts.</summary>
public sealed class DeviceTotpCodeCommand : DeviceCommand<DeviceTotpCodeCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DeviceSettings
    {
        /// <summary>Which secret.</summary>
        [CommandOption("--name <NAME>")]
        [Description("Which kept secret (needed when there are several)")]
        public string? Name { get; init; }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var kept = session.State.Totp;
        string name;
        if (settings.Name is not null)
        {
            name = kept.ContainsKey(settings.Name) ? settings.Name : throw new DeviceCommandException($"No TOTP secret named '{settings.Name}'; `openverify device totp add` keeps one");
        }
        else
        {
            name = kept.Count switch
            {
                0 => throw new DeviceCommandException("No TOTP secret on this device; `openverify device totp add --uri otpauth://…` keeps one"),
                1 => kept.Keys.Single(),
                _ => throw new DeviceCommandException("Several TOTP secrets on this device; choose one with --name: " + string.Join(", ", kept.Keys.Order(StringComparer.Ordinal))),
            };
        }

        var uri = TotpKeyUri.TryParse(kept[name]) ?? throw new DeviceCommandException($"The kept Key URI of '{name}' is damaged; add it again");
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        var step = TotpCode.StepAt(now, uri.Config.TimeStep);
        var code = TotpCode.Compute(Base32.TryDecode(uri.Secret)!, uri.Config.Alg, step, uri.Config.CodeLength);
        var secondsLeft = (step + 1) * uri.Config.TimeStep - now;
        if (settings.Json)
        {
            DeviceOutput.WriteJson(new JsonObject { ["name"] = name, ["code"] = code, ["seconds_left"] = secondsLeft });
        }
        else
        {
            await Console.Out.WriteLineAsync(code);
            await Console.Error.WriteLineAsync($"{name}: valid for {secondsLeft} more second(s)");
        }

        return 0;
    }
}
