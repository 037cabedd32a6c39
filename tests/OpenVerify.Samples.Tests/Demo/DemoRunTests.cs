using OpenVerify.Cli.Demo;
using Spectre.Console;

namespace OpenVerify.Samples.Tests.Demo;

/// <summary><c>openverify demo</c> end to end: its exit code and what it tells the person watching.</summary>
public sealed class DemoRunTests
{
    [Fact]
    public async Task Demo_passes_every_step_and_reports_the_webhooks()
    {
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var demo = new DemoRun(console, TimeSpan.FromSeconds(15), TimeProvider.System);

        var exitCode = await demo.RunAsync(CancellationToken.None);

        var text = output.ToString();
        Assert.True(exitCode == 0, text);
        Assert.True(demo.Passed >= 25, text);
        Assert.Contains("Demo passed", text);
        Assert.Contains("The backend learnt approved by webhook; session started for alice", text);
        Assert.Contains("The backend learnt denied by webhook", text);
        Assert.Contains("approved silently", text);
        Assert.Contains("refused a forged challenge.approved webhook with 403", text);
        foreach (var type in new[] { "factor.created", "factor.verified", "challenge.approved", "challenge.denied" })
        {
            Assert.Contains($"webhook {type} received", text);
        }

        Assert.Contains("5 signed webhook(s) accepted, 1 refused.", text);
        Assert.DoesNotContain("✗", text);
    }
}
