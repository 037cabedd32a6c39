using System.Text.Json.Nodes;
using Spectre.Console;

namespace OpenVerify.Cli.Commands.Device;

/// <summary><c>openverify device factors</c>: the factors stored on this device (no server call).</summary>
public sealed class DeviceFactorsCommand : DeviceCommand<DeviceSettings>
{
    /// <inheritdoc />
    protected override async Task<int> RunAsync(DeviceSession session, DeviceSettings settings, CancellationToken cancellationToken)
    {
        var factors = await session.FactorsAsync(cancellationToken);
        if (settings.Json)
        {
            DeviceOutput.WriteJson(new JsonArray([.. factors.Select(f => (JsonNode)DeviceOutput.ToJson(f))]));
        }
        else if (factors.Count == 0)
        {
            AnsiConsole.MarkupLine($"No factors in {Markup.Escape(session.Home.DirectoryPath)}; run [bold]openverify device enroll[/].");
        }
        else
        {
            AnsiConsole.Write(DeviceOutput.FactorsTable(factors));
        }

        return 0;
    }
}
