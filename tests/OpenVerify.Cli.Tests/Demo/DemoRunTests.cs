using OpenVerify.Cli.Demo;
using Spectre.Console;

namespace OpenVerify.Cli.Tests.Demo;

/// <summary><c>openverify demo</c> end to end: its exit code and what it tells the person watching.</summary>
public sealed class DemoRunTests
{
    [Fact]
    public async Task Demo_passes_every_step_and_reports_the_webhooks()
    {
        using var output = new StringWriter();
        var demo = new DemoRun(RecordingConsole(output), TimeSpan.FromSeconds(15), TimeProvider.System);

        var exitCode = await demo.RunAsync(CancellationToken.None);

        var text = output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.True(demo.Passed >= 35, text);
        Assert.Contains("Demo passed", text);
        Assert.Contains("The backend learnt approved by webhook; session started for alice", text);
        Assert.Contains("The backend learnt denied by webhook", text);
        Assert.Contains("approved silently", text);
        Assert.Contains("the number was signed with the approval", text);
        Assert.Contains("refused a forged challenge.approved webhook with 403", text);
        foreach (var type in new[] { "factor.created", "factor.verified", "challenge.approved", "challenge.denied" })
        {
            Assert.Contains($"webhook {type} received", text);
        }

        Assert.Contains("POST /login/totp with a wrong code → 401", text);
        Assert.Contains("POST /login/totp with the code already used → 401", text);
        Assert.Contains("POST /login/totp → challenge approved; session started for alice", text);
        Assert.Contains("received for the TOTP factor", text);
        Assert.Contains("10 signed webhook(s) accepted, 1 refused.", text);
        Assert.DoesNotContain("✗", text);
    }

    [Fact]
    public async Task Demo_exits_1_and_names_the_step_when_one_fails()
    {
        // A backend that never subscribes its webhook: the first webhook the demo waits for never comes.
        using var output = new StringWriter();
        var demo = new DemoRun(RecordingConsole(output), TimeSpan.FromSeconds(1), TimeProvider.System)
        {
            ConfigureBackend = o => o.RegisterWebhook = false,
        };

        var exitCode = await demo.RunAsync(CancellationToken.None);

        var text = output.ToString();
        Assert.True(exitCode == 1, text);
        Assert.Contains("✗ Waiting for the factor.created webhook: no factor.created webhook within 1 s", text);
        Assert.Contains("Demo failed at \"Waiting for the factor.created webhook\"", text);
        Assert.DoesNotContain("Log in with push", text);
    }

    private static IAnsiConsole RecordingConsole(StringWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        return console;
    }
}
