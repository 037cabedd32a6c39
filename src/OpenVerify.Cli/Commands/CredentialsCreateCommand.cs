using OpenVerify.Server.Secrets;
using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Protocol.Errors;
using OpenVerify.Server.Credentials;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary>Options of the <c>credentials</c> verbs: which account.</summary>
public class CredentialSettings : StorageSettings
{
    /// <summary>Account SID.</summary>
    [CommandOption("--account <SID>")]
    [Description("The owning account (default: OPENVERIFY_ACCOUNT_SID)")]
    public string? Account { get; init; }

    /// <summary>Print JSON.</summary>
    [CommandOption("--json")]
    [Description("Print the credential resource(s) as JSON")]
    public bool Json { get; init; }

    /// <summary>The account, or null after printing why.</summary>
    public string? AccountOrComplain()
    {
        var account = Account ?? Environment.GetEnvironmentVariable("OPENVERIFY_ACCOUNT_SID");
        if (string.IsNullOrEmpty(account))
        {
            AnsiConsole.MarkupLine("[red]--account is required[/]");
            return null;
        }

        return account;
    }

    /// <summary>Prints credentials as a table or JSON (never any key material).</summary>
    public void Print(IEnumerable<PushCredential> credentials, bool single)
    {
        var resources = credentials.Select(c => CredentialResource.From(c, "")).ToList();
        if (Json)
        {
            Console.WriteLine(single ? JsonSerializer.Serialize(resources[0], Server.Http.VerifyJson.Options) : JsonSerializer.Serialize(resources, Server.Http.VerifyJson.Options));
            return;
        }

        var table = new Table().AddColumns("SID", "Type", "Friendly name", "Sandbox", "Created");
        foreach (var r in resources)
        {
            table.AddRow(r.Sid, r.Type, Markup.Escape(r.FriendlyName), r.Sandbox, r.DateCreated);
        }

        AnsiConsole.Write(table);
    }
}

/// <summary>
/// <c>openverify credentials create --type fcm|apn …</c>: stores a push credential directly in the
/// server's storage (like <c>accounts create</c>), checked and sealed exactly as <c>POST /v1/Credentials</c> does.
/// </summary>
public sealed class CredentialsCreateCommand : AsyncCommand<CredentialsCreateCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CredentialSettings
    {
        /// <summary>fcm | apn.</summary>
        [CommandOption("--type <TYPE>")]
        [Description("fcm (Firebase service account) or apn (Apple)")]
        public string? Type { get; init; }

        /// <summary>Label.</summary>
        [CommandOption("--name <NAME>")]
        [Description("FriendlyName")]
        public string? Name { get; init; }

        /// <summary>Secret file.</summary>
        [CommandOption("--secret-file <PATH>")]
        [Description("fcm: the service-account JSON; apn token auth: the .p8 key")]
        public string? SecretFile { get; init; }

        /// <summary>APNs key id.</summary>
        [CommandOption("--key-id <ID>")]
        [Description("apn token auth: the key's id (JWT kid)")]
        public string? KeyId { get; init; }

        /// <summary>APNs team id.</summary>
        [CommandOption("--team-id <ID>")]
        [Description("apn token auth: the Apple team id (JWT iss)")]
        public string? TeamId { get; init; }

        /// <summary>Certificate file.</summary>
        [CommandOption("--certificate-file <PATH>")]
        [Description("apn certificate auth: the certificate (PEM)")]
        public string? CertificateFile { get; init; }

        /// <summary>Private key file.</summary>
        [CommandOption("--private-key-file <PATH>")]
        [Description("apn certificate auth: the certificate's private key (PEM)")]
        public string? PrivateKeyFile { get; init; }

        /// <summary>Sandbox.</summary>
        [CommandOption("--sandbox")]
        [Description("apn: send to Apple's development (sandbox) host")]
        public bool Sandbox { get; init; }
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.AccountOrComplain() is not { } accountSid)
        {
            return 2;
        }

        static string? Read(string? path) => path is null ? null : File.ReadAllText(path);
        var input = new CredentialForms.Input(settings.Type ?? "", settings.Name, settings.Sandbox,
            new PushSecret(Read(settings.SecretFile), settings.KeyId, settings.TeamId, Read(settings.CertificateFile), Read(settings.PrivateKeyFile)));
        await using var provider = await StorageScope.OpenAsync(settings, cancellationToken);
        try
        {
            CredentialForms.Check(input);
            var credential = await CredentialsApi.CreateAsync(accountSid, input, provider.GetRequiredService<ICredentialStore>(),
                provider.GetRequiredService<SecretBox>(), provider.GetRequiredService<TimeProvider>(), cancellationToken);
            settings.Print([credential], single: true);
            return 0;
        }
        catch (VerifyError e)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            return 1;
        }
    }
}

/// <summary><c>openverify credentials list</c>.</summary>
public sealed class CredentialsListCommand : AsyncCommand<CredentialSettings>
{
    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, CredentialSettings settings, CancellationToken cancellationToken)
    {
        if (settings.AccountOrComplain() is not { } accountSid)
        {
            return 2;
        }

        await using var provider = await StorageScope.OpenAsync(settings, cancellationToken);
        var store = provider.GetRequiredService<ICredentialStore>();
        var all = new List<PushCredential>();
        var query = new Server.Storage.PageQuery(1000, false, Server.Storage.CursorDirection.None, 0, 0);
        while (true)
        {
            var rows = await store.ListAsync(accountSid, query, cancellationToken);
            all.AddRange(rows.Take(query.Size));
            if (rows.Count <= query.Size)
            {
                break;
            }

            query = query with { Direction = Server.Storage.CursorDirection.After, CursorId = rows[query.Size - 1].Id };
        }

        settings.Print(all, single: false);
        return 0;
    }
}

/// <summary><c>openverify credentials delete CR…</c>.</summary>
public sealed class CredentialsDeleteCommand : AsyncCommand<CredentialsDeleteCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CredentialSettings
    {
        /// <summary>The credential.</summary>
        [CommandArgument(0, "<SID>")]
        [Description("The CR… SID")]
        public string Sid { get; init; } = "";
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.AccountOrComplain() is not { } accountSid)
        {
            return 2;
        }

        await using var provider = await StorageScope.OpenAsync(settings, cancellationToken);
        if (!await provider.GetRequiredService<ICredentialStore>().DeleteAsync(accountSid, settings.Sid, cancellationToken))
        {
            AnsiConsole.MarkupLine($"[red]No credential {Markup.Escape(settings.Sid)} in account {Markup.Escape(accountSid)}[/]");
            return 1;
        }

        AnsiConsole.MarkupLine($"Deleted {Markup.Escape(settings.Sid)}");
        return 0;
    }
}
