using System.Text.Json;

namespace OpenVerify.Client.Tests;

public sealed class FileFactorStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "ov-factors-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Factor Factor(string sid) => new(
        sid, "Pixel", "AC1", "VA1", "alice-0001", FactorStatus.Verified, TestDevice.Start, "CR1", "fcm", "aliasAAAAAAAAAA",
        new Dictionary<string, string> { ["os"] = "Android" });

    [Fact]
    public async Task Factors_round_trip_through_the_file()
    {
        var factor = Factor("YF1");
        await new FileFactorStore(directory).SaveAsync(factor);

        var loaded = Assert.Single(await new FileFactorStore(directory).GetAllAsync());

        Assert.Equal(factor with { Metadata = null }, loaded with { Metadata = null });
        Assert.Equal("Android", loaded.Metadata!["os"]);
        Assert.Equal(factor.Sid, (await new FileFactorStore(directory).GetAsync("YF1"))!.Sid);
        Assert.Null(await new FileFactorStore(directory).GetAsync("YF2"));
    }

    [Fact]
    public async Task Concurrent_saves_lose_nothing_and_leave_no_temporary_files()
    {
        var store = new FileFactorStore(directory);

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => store.SaveAsync(Factor("YF" + i)))));
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => store.DeleteAsync("YF" + (2 * i)))));

        var sids = (await new FileFactorStore(directory).GetAllAsync()).Select(f => f.Sid).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => "YF" + ((2 * i) + 1)).Order(StringComparer.Ordinal), sids);
        Assert.Equal(["factors.json"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Readers_never_see_a_torn_file_while_writers_run()
    {
        var store = new FileFactorStore(directory);
        await store.SaveAsync(Factor("YF0"));
        var path = store.FilePath;
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await store.SaveAsync(Factor("YF" + i) with { FriendlyName = new string('x', i * 50) });
            }
        });
        var reads = 0;
        while (!writer.IsCompleted)
        {
            // Note: a raw read from outside the store: with write-temp-then-move it is always whole JSON.
            using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
            Assert.Equal(1, document.RootElement.GetProperty("version").GetInt32());
            reads++;
        }

        await writer;
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task Time_correction_is_persisted_next_to_the_factors()
    {
        await new FileFactorStore(directory).SaveTimeCorrectionAsync(-17);

        Assert.Equal(-17, await new FileFactorStore(directory).GetTimeCorrectionAsync());
        using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(directory, "factors.json")));
        Assert.Equal(-17, document.RootElement.GetProperty("time_correction").GetInt64());
    }

    [Fact]
    public async Task File_is_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = new FileFactorStore(directory);
        await store.SaveAsync(Factor("YF1"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public async Task A_damaged_file_is_reported_not_overwritten()
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "factors.json");
        await File.WriteAllTextAsync(path, "{ not json");
        var store = new FileFactorStore(directory);

        await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAllAsync());
        await Assert.ThrowsAsync<InvalidDataException>(() => store.SaveAsync(Factor("YF1")));
        Assert.Equal("{ not json", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_damaged_file_surfaces_as_a_storage_error_from_the_client()
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "factors.json"), "[]");
        using var client = new VerifyClientBuilder().WithStorageDirectory(directory).WithHttpMessageHandler(new FakeVerifyApi()).Build();

        await Expect.ErrorAsync(ErrorCategory.Storage, () => client.GetAllFactorsAsync());
    }
}
