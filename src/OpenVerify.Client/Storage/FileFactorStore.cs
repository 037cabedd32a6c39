using System.Text.Json;
using OpenVerify.Protocol.Wire;

namespace OpenVerify.Client;

/// <summary>
/// The default factor store: one JSON file, <c>factors.json</c>, in a per-user directory
/// (owner-only on Unix), rewritten atomically on every change.
/// </summary>
/// <remarks>
/// Calls on one instance are serialised with a semaphore, so concurrent saves never lose each
/// other's factors. Two instances (or processes) over the same directory are not coordinated:
/// use one store per directory. Factors hold no secrets (the private keys live in the
/// <see cref="IKeyStore"/>), but SIDs and identities are personal data, hence the file modes.
/// </remarks>
public sealed class FileFactorStore : IFactorStore
{
    private const string FileName = "factors.json";

    private readonly string directory;
    private readonly string path;
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>A store whose file lives in <paramref name="directory"/> (created when first written).</summary>
    public FileFactorStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        this.directory = directory;
        path = Path.Combine(directory, FileName);
    }

    /// <summary>The file the store writes.</summary>
    public string FilePath => path;

    /// <inheritdoc />
    public Task<IReadOnlyList<Factor>> GetAllAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<Factor>>(state => [.. state.Factors.Select(ToFactor)], cancellationToken);

    /// <inheritdoc />
    public Task<Factor?> GetAsync(string sid, CancellationToken cancellationToken = default) =>
        ReadAsync(state => state.Factors.Where(f => f.Sid == sid).Select(ToFactor).FirstOrDefault(), cancellationToken);

    /// <inheritdoc />
    public Task SaveAsync(Factor factor, CancellationToken cancellationToken = default) =>
        ChangeAsync(state =>
        {
            state.Factors.RemoveAll(f => f.Sid == factor.Sid);
            state.Factors.Add(FromFactor(factor));
        }, cancellationToken);

    /// <inheritdoc />
    public Task DeleteAsync(string sid, CancellationToken cancellationToken = default) =>
        ChangeAsync(state => state.Factors.RemoveAll(f => f.Sid == sid), cancellationToken);

    /// <inheritdoc />
    public Task<long> GetTimeCorrectionAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(state => state.TimeCorrection, cancellationToken);

    /// <inheritdoc />
    public Task SaveTimeCorrectionAsync(long seconds, CancellationToken cancellationToken = default) =>
        ChangeAsync(state => state.TimeCorrection = seconds, cancellationToken);

    private async Task<T> ReadAsync<T>(Func<StoredFactors, T> read, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read(await LoadAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ChangeAsync(Action<StoredFactors> change, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadAsync(cancellationToken).ConfigureAwait(false);
            change(state);
            PrivateFile.EnsureDirectory(directory);
            PrivateFile.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(state, FactorStoreJsonContext.Default.StoredFactors));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<StoredFactors> LoadAsync(CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new StoredFactors();
        }

        try
        {
            var state = JsonSerializer.Deserialize(bytes, FactorStoreJsonContext.Default.StoredFactors);
            return state is { Version: 1 } ? state : throw new InvalidDataException($"{FileName} has an unknown version.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{FileName} is damaged.", e);
        }
    }

    private static Factor ToFactor(StoredFactor f) => new(
        f.Sid,
        f.FriendlyName,
        f.AccountSid,
        f.ServiceSid,
        f.Identity,
        f.Status == FactorStatuses.Verified ? FactorStatus.Verified : FactorStatus.Unverified,
        TwilioDate.TryParse(f.DateCreated, out var created) ? created : throw new InvalidDataException($"{FileName} has a bad date_created."),
        f.CredentialSid,
        f.NotificationPlatform,
        f.KeyAlias,
        f.Metadata);

    private static StoredFactor FromFactor(Factor f) => new()
    {
        Sid = f.Sid,
        FriendlyName = f.FriendlyName,
        AccountSid = f.AccountSid,
        ServiceSid = f.ServiceSid,
        Identity = f.Identity,
        Status = FactorMapper.ToWire(f.Status),
        DateCreated = TwilioDate.ToWire(f.CreatedAt),
        CredentialSid = f.CredentialSid,
        NotificationPlatform = f.NotificationPlatform,
        KeyAlias = f.KeyAlias,
        Metadata = f.Metadata is null ? null : new Dictionary<string, string>(f.Metadata, StringComparer.Ordinal),
    };
}
