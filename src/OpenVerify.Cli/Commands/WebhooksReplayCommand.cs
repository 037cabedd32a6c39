using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenVerify.Server.Delivery;
using OpenVerify.Server.Webhooks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary>
/// <c>openverify webhooks replay --service VA… --webhook YW… (ID… | --all-dead) [--json]</c>: dead deliveries
/// become pending, due now; a running server sends them at its next poll.
/// </summary>
public sealed class WebhooksReplayCommand : AsyncCommand<WebhooksReplayCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : WebhookSettings
    {
        /// <summary>Delivery ids.</summary>
        [CommandArgument(0, "[ID]")]
        [Description("Delivery ids (from `webhooks deliveries`)")]
        public long[] Ids { get; init; } = [];

        /// <summary>Replay every dead delivery of the webhook.</summary>
        [CommandOption("--all-dead")]
        [Description("Replay every dead delivery of the webhook")]
        public bool AllDead { get; init; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            Ids.Length == 0 && !AllDead ? ValidationResult.Error("give delivery ids or --all-dead") : base.Validate();
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

        var store = provider.GetRequiredService<IWebhookDeliveryStore>();
        var outbox = provider.GetRequiredService<IOutbox>();
        var clock = provider.GetRequiredService<TimeProvider>();
        var ids = settings.Ids.ToList();
        if (settings.AllDead)
        {
            ids.AddRange((await WebhooksDeliveriesCommand.ReadAllAsync(store, webhook.Sid, "dead", cancellationToken)).Select(d => d.Id));
        }

        var results = new List<(long Id, string Result)>();
        foreach (var id in ids.Distinct())
        {
            var delivery = await store.FindAsync(webhook.Sid, id, cancellationToken);
            var result = delivery is null ? "not found"
                : await outbox.ReviveAsync(id, clock.GetUtcNow(), cancellationToken) ? "replayed"
                : "not dead (" + WebhookDeliveryResource.WireState(delivery.State) + ")";
            results.Add((id, result));
        }

        if (settings.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(results.Select(r => new Dictionary<string, object> { ["id"] = r.Id, ["result"] = r.Result })));
        }
        else
        {
            foreach (var (id, result) in results)
            {
                AnsiConsole.MarkupLineInterpolated($"{id}: {result}");
            }
        }

        return results.All(r => r.Result == "replayed") ? 0 : 1;
    }
}
