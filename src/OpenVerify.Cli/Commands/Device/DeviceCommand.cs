using System.Text.Json.Nodes;
using OpenVerify.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands.Device;

/// <summary>
/// The shape of every <c>device</c> verb: open the device home, run, and turn failures into one
/// line on stderr (or <c>{"error":…}</c> on stdout with <c>--json</c>) and exit code 1.
/// </summary>
public abstract class DeviceCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : DeviceSettings
{
    private const int RedirectedWidth = 240;

    /// <inheritdoc />
    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < RedirectedWidth)
        {
            // Note: piped output has no terminal width; Spectre.Console would wrap SIDs at 80 columns.
            AnsiConsole.Profile.Width = RedirectedWidth;
        }

        try
        {
            using var session = await DeviceSession.OpenAsync(DeviceHome.Resolve(settings.Home), cancellationToken);
            return await RunAsync(session, settings, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
        catch (VerifyClientException e)
        {
            return Fail(settings, e.Detail, e.Code, e.ApiCode, e.HttpStatus, e.ApiMessage);
        }
        catch (DeviceCommandException e)
        {
            return Fail(settings, e.Message, null, null, null, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(settings, "The device home cannot be used: " + e.Message, null, null, null, null);
        }
    }

    /// <summary>The verb itself.</summary>
    protected abstract Task<int> RunAsync(DeviceSession session, TSettings settings, CancellationToken cancellationToken);

    private static int Fail(TSettings settings, string message, int? code, int? apiCode, int? httpStatus, string? apiMessage)
    {
        if (settings.Json)
        {
            var error = new JsonObject { ["message"] = message };
            if (code is not null)
            {
                error["code"] = code;
            }

            if (apiCode is not null)
            {
                error["api_code"] = apiCode;
            }

            if (httpStatus is not null)
            {
                error["http_status"] = httpStatus;
            }

            if (apiMessage is not null)
            {
                error["api_message"] = apiMessage;
            }

            DeviceOutput.WriteJson(new JsonObject { ["error"] = error });
        }
        else
        {
            var prefix = code is null ? "" : $"{{{code}}} ";
            Console.Error.WriteLine($"error: {prefix}{message}");
        }

        return 1;
    }
}
