using System.ComponentModel;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary><c>openverify device delete [YF…]</c>: deletes a factor on its server, then its local record and key.</summary>
public sealed class DeviceDeleteCommand : DeviceCommand<DeviceDeleteCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : DeviceSettings
    {
        /// <summary>The factor.</summary>
        [CommandArgument(0, "[FACTOR_SID]")]
        [Description("The factor (YF…); may be left out when the device has only one")]
        public string? FactorSid { get; init; }
    }

    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, Settings settings, CancellationToken cancellationToken)
    {
        var factor = await session.FactorAsync(settings.FactorSid, cancellationToken);
        await session.ClientFor(factor).DeleteFactorAsync(factor.Factor.Sid, cancellationToken);
        session.State.Factors.Remove(factor.Factor.Sid);
        await session.Home.SaveAsync(session.State, cancellationToken);
        if (settings.Json)
        {
            DeviceOutput.WriteJson(new JsonObject { ["deleted"] = factor.Factor.Sid });
        }
        else
        {
            AnsiConsole.MarkupLine($"Deleted factor {factor.Factor.Sid} on its server and on this device.");
        }

        return 0;
    }
}
