using Microsoft.Playwright;

namespace OpenVerify.Server.Tests.Console;

/// <summary>
/// One Chromium for every browser test of the console (a collection fixture): the system's
/// <c>/usr/bin/chromium</c> (Debian's package, which .ci/run installs), driven by Playwright. Note:
/// Playwright never downloads a browser here; a missing Chromium fails the tests, it does not skip them.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Collection = "console browser";

    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// How long a page waits for what a test expects. A bound, not a pause: the first navigation of a run
    /// also starts Chromium's renderer and the app's Razor Pages, which on a loaded 2-core machine took
    /// over 15 s.
    /// </summary>
    public const float PageTimeout = 60_000;

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"The console's browser tests need Chromium at {ExecutablePath}: apt-get install -y chromium (.ci/run does).");
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}

[CollectionDefinition(Chromium.Collection)]
public sealed class ChromiumCollection : ICollectionFixture<Chromium>;
