using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Accounts;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary><c>openverify accounts create [--json]</c>.</summary>
public sealed class AccountsCreateCommand : AsyncCommand<AccountsCreateCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : StorageSettings
    {
        /// <summary>Print JSON.</summary>
        [CommandOption("--json")]
        [Description("Print {\"account_sid\":…,\"auth_token\":…}")]
        public bool Json { get; init; }

        /// <summary>Label.</summary>
        [CommandOption("--name <NAME>")]
        [Description("A label for the account")]
        public string? Name { get; init; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var provider = await StorageScope.OpenAsync(settings, cancellationToken);
        var account = await provider.GetRequiredService<AccountBootstrap>().CreateAsync(settings.Name ?? "account", cancellationToken);
        if (settings.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["account_sid"] = account.Sid, ["auth_token"] = account.AuthToken }));
        }
        else
        {
            var table = new Table().AddColumns("Account SID", "Auth token").AddRow(account.Sid, account.AuthToken);
            AnsiConsole.Write(table);
        }

        return 0;
    }
}
