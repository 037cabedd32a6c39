using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Http;
using OpenVerify.Server.Storage;
using CursorDirection = OpenVerify.Server.Storage.CursorDirection;
using OpenVerify.Server.Webhooks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary><c>openverify webhooks deliveries --service VA… --webhook YW… [--state pending|delivered|dead] [--json]</c>.</summary>
public sealed class WebhooksDeliveriesCommand : AsyncCommand<WebhooksDeliveriesCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : WebhookSettings
    {
        /// <summary>Only deliveries in this state.</summary>
        [CommandOption("--state <STATE>")]
        [Description("Only pending, delivered or dead deliveries")]
        public string? State { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            State is not null && WebhookDeliveryResource.StoreState(State) is null
                ? ValidationResult.Error("--state must be pending, delivered or dead")
                : base.Validate();
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        await using var provider = await StorageScope.OpenAsync(settings, cancellationToken);
        var webhook = await provider.GetRequiredService<IWebhookStore>().FindAsync(settings.Service, settings.Webhook, cancellationToken);
        if (webhook is null)
        {
            await Console.Error.WriteLineAsync($"No webhook {settings.Webhook} in service {settings.Service}");
            return 1;
        }

        var rows = await ReadAllAsync(provider.GetRequiredService<IWebhookDeliveryStore>(), webhook.Sid,
            settings.State is null ? null : WebhookDeliveryResource.StoreState(settings.State), cancellationToken);
        var deliveries = rows.Select(d => WebhookDeliveryResource.From(d, "")).ToList();
        if (settings.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["deliveries"] = deliveries }, VerifyJson.Options));
            return 0;
        }

        // Note: narrow enough for an 80-column terminal; --json has every field.
        var table = new Table().AddColumns("Id", "Event", "State", "Tries", "Last error");
        foreach (var d in deliveries)
        {
            table.AddRow(
                new Text(d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Rows(new Text(d.Type), new Text(d.EntityIdentity), new Text(d.Uuid)),
                new Rows(new Text(d.State), new Text(d.DateUpdated)),
                new Text(d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Text(d.LastError ?? ""));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    internal static async Task<List<WebhookDelivery>> ReadAllAsync(IWebhookDeliveryStore store, string webhookSid, string? state, CancellationToken cancellationToken)
    {
        var all = new List<WebhookDelivery>();
        var page = new PageQuery(500, false, CursorDirection.None, 0, 0);
        while (true)
        {
            var rows = await store.ListAsync(webhookSid, state, page, cancellationToken);
            var slice = page.Slice(rows);
            all.AddRange(slice.Items);
            if (!slice.HasNext)
            {
                return all;
            }

            page = page with { Direction = CursorDirection.After, CursorId = slice.Items[^1].Id };
        }
    }
}
