using OpenVerify.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("openverify");
    config.AddCommand<ServeCommand>("serve").WithDescription("Run the Verify API server");
    config.AddBranch("accounts", accounts =>
    {
        accounts.SetDescription("Manage accounts");
        accounts.AddCommand<AccountsCreateCommand>("create").WithDescription("Create an account and print its SID and auth token");
    });
    config.AddBranch("keys", keys =>
    {
        keys.SetDescription("Manage API keys");
        keys.AddCommand<KeysCreateCommand>("create").WithDescription("Create an API key (SK…) for an account");
    });
    config.AddBranch("webhooks", webhooks =>
    {
        webhooks.SetDescription("Inspect and replay webhook deliveries");
        webhooks.AddCommand<WebhooksDeliveriesCommand>("deliveries").WithDescription("List a webhook's deliveries");
        webhooks.AddCommand<WebhooksReplayCommand>("replay").WithDescription("Send dead deliveries again");
    });
    config.AddBranch("credentials", credentials =>
    {
        credentials.SetDescription("Manage push credentials (FCM, APNs) in the server's storage");
        credentials.AddCommand<CredentialsCreateCommand>("create").WithDescription("Store an FCM or APNs credential (CR…)");
        credentials.AddCommand<CredentialsListCommand>("list").WithDescription("List an account's push credentials");
        credentials.AddCommand<CredentialsDeleteCommand>("delete").WithDescription("Delete a push credential");
    });
    config.AddCommand<PushLogCommand>("push-log").WithDescription("Show push delivery attempts (newest first)");
});
return await app.RunAsync(args);
