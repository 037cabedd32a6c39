using OpenVerify.Cli.Commands;
using OpenVerify.Cli.Commands.Device;
using System.Reflection;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("openverify");
    // `openverify --version`: the package version the tool was built as (e.g. 0.1.0+commit).
    config.SetApplicationVersion(typeof(ServeCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
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
    config.AddBranch("device", device =>
    {
        device.SetDescription("Act as a push device (the device SDK on the command line); state in --home or $OPENVERIFY_DEVICE_HOME");
        device.AddCommand<DeviceEnrollCommand>("enroll").WithDescription("Create and verify a push factor with an access token or an app backend");
        device.AddCommand<DeviceFactorsCommand>("factors").WithDescription("List the factors on this device");
        device.AddCommand<DeviceChallengesCommand>("challenges").WithDescription("List challenges (--status pending|approved|denied|expired)");
        device.AddCommand<DeviceShowCommand>("show").WithDescription("Show one challenge with its details");
        device.AddCommand<DeviceApproveCommand>("approve").WithDescription("Approve a challenge");
        device.AddCommand<DeviceDenyCommand>("deny").WithDescription("Deny a challenge");
        device.AddCommand<DeviceWatchCommand>("watch").WithDescription("Poll for pending challenges and ask approve/deny (--auto approve|deny for scripts)");
        device.AddCommand<DeviceDeleteCommand>("delete").WithDescription("Delete a factor on its server and on this device");
        device.AddCommand<DeviceResetCommand>("reset").WithDescription("Forget every factor and key on this device");
        device.AddBranch("totp", totp =>
        {
            totp.SetDescription("Hold TOTP secrets, as an authenticator app does");
            totp.AddCommand<DeviceTotpAddCommand>("add").WithDescription("Keep a TOTP secret from its otpauth:// Key URI (binding.uri of a totp factor)");
            totp.AddCommand<DeviceTotpCodeCommand>("code").WithDescription("Print the current code of a kept TOTP secret");
        });
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
