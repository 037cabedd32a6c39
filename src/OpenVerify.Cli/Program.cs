using OpenVerify.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("openverify");
    config.AddCommand<ServeCommand>("serve").WithDescription("Run the Verify API server");
    config.AddCommand<DemoCommand>("demo").WithDescription("Run the quickstart end to end: server, sample app backend and a simulated device");
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
});
return await app.RunAsync(args);
