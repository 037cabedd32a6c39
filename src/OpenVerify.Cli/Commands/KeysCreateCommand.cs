using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Accounts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary><c>openverify keys create --account AC… [--json]</c>: an API key usable instead of the auth token.</summary>
public sealed class KeysCreateCommand : AsyncCommand<KeysCreateCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : StorageSettings
    {
        /// <summary>Account SID.</summary>
        [CommandOption("--account <SID>")]
        [Description("The account the key acts for (default: OPENVERIFY_ACCOUNT_SID)")]
        public string? Account { get; init; }

        /// <summary>Label.</summary>
        [CommandOption("--name <NAME>")]
        [Description("A label for the key")]
        public string? Name { get; init; }

        /// <summary>Print JSON.</summary>
        [CommandOption("--json")]
        [Description("Print {\"sid\":…,\"secret\":…,\"account_sid\":…}")]
        public bool Json { get; init; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var accountSid = settings.Account ?? Environment.GetEnvironmentVariable("OPENVERIFY_ACCOUNT_SID");
        if (string.IsNullOrEmpty(accountSid))
        {
            AnsiConsole.MarkupLine("[red]--account is required[/]");
            return 2;
        }

        await using var provider = await StorageScope.OpenAsync(settings, cancellationToken);
        try
        {
            var (key, secret) = await provider.GetRequiredService<AccountBootstrap>().CreateKeyAsync(accountSid, settings.Name ?? "api key", cancellationToken);
            if (settings.Json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["sid"] = key.Sid, ["secret"] = secret, ["account_sid"] = key.AccountSid }));
            }
            else
            {
                AnsiConsole.Write(new Table().AddColumns("Key SID", "Secret", "Account").AddRow(key.Sid, secret, key.AccountSid));
                AnsiConsole.MarkupLine("The secret is shown only now.");
            }

            return 0;
        }
        catch (ArgumentException e)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 1;
        }
    }
}
