using System.ComponentModel;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// <c>openverify device reset</c>: forgets every factor and key on this device. The servers keep the
/// factors (as with the SDK's clearLocalStorage) unless <c>--delete-factors</c> deletes them first.
/// </summary>
public sealed class DeviceResetCommand : DeviceCommand<DeviceResetCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DeviceSettings
    {
        /// <summary>No confirmation.</summary>
        [CommandOption("-y|--yes")]
        [Description("Do not ask for confirmation")]
        public bool Yes { get; init; }

        /// <summary>Also delete on the servers.</summary>
        [CommandOption("--delete-factors")]
        [Description("Delete each factor on its server first (best effort)")]
        public bool DeleteFactors { get; init; }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var factors = await session.FactorsAsync(cancellationToken);
        if (!settings.Yes)
        {
            if (settings.Json || !AnsiConsole.Profile.Capabilities.Interactive)
            {
                throw new DeviceCommandException("reset forgets every factor and key on this device; confirm with --yes");
            }

            if (!await new ConfirmationPrompt($"Forget {factors.Count} factor(s) and their keys in {Markup.Escape(session.Home.DirectoryPath)}?") { DefaultValue = false }
                .ShowAsync(AnsiConsole.Console, cancellationToken))
            {
                return 1;
            }
        }

        var deleted = new JsonArray();
        if (settings.DeleteFactors)
        {
            foreach (var factor in factors.Where(f => f.Server is not null))
            {
                try
                {
                    await session.ClientFor(factor).DeleteFactorAsync(factor.Factor.Sid, cancellationToken);
                    deleted.Add(factor.Factor.Sid);
                }
                catch (OpenVerify.Client.VerifyClientException e)
                {
                    await Console.Error.WriteLineAsync($"warning: factor {factor.Factor.Sid} was not deleted on its server: {e.Message}");
                }
            }
        }

        // The SDK's clearLocalStorage removes every factor and its key without calling any server,
        // so any base URL will do for the client.
        await session.ClientFor(new DeviceServer(OpenVerify.Client.VerifyClientBuilder.DefaultBaseUrl.AbsoluteUri)).ClearLocalStorageAsync(cancellationToken);
        session.Home.DeleteState();
        if (settings.Json)
        {
            DeviceOutput.WriteJson(new JsonObject { ["forgotten"] = factors.Count, ["deleted_on_server"] = deleted });
        }
        else
        {
            AnsiConsole.MarkupLine($"Forgot {factors.Count} factor(s){(settings.DeleteFactors ? $", deleted {deleted.Count} on their servers" : "")}.");
        }

        return 0;
    }
}
