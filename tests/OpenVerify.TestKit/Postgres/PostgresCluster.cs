using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace OpenVerify.TestKit.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: its own temporary directory, its own free loopback
/// port, durability switched off for speed, trust authentication for 127.0.0.1 only.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StartAsync(CancellationToken)"/> runs initdb and starts the server, waiting until a connection
/// succeeds. When this process is root (as in CI) the server runs as a non-root user
/// (see <c>OPENVERIFY_PG_OS_USER</c>), in a directory that user owns.
/// </para>
/// <para>
/// <see cref="DisposeAsync"/> or <see cref="KillAsync"/> stops the server with
/// <c>pg_ctl stop -m immediate</c> and deletes the directory. <see cref="StopServerAsync"/>,
/// <see cref="StartServerAsync"/> and <see cref="RestartAsync"/> stop and start the server on
/// the same data directory and port, to test crash recovery or an unavailable database.
/// </para>
/// <para>
/// Missing binaries or a server that will not start raise <see cref="PostgresUnavailableException"/>.
/// </para>
/// </remarks>
public sealed partial class PostgresCluster : IAsyncDisposable
{
    /// <summary>The superuser every connection string logs in as.</summary>
    public const string Superuser = "postgres";

    /// <summary>The address the server listens on (and the only one it trusts).</summary>
    public const string Host = "127.0.0.1";

    private const int PortAttempts = 5;
    private const int MaxLogLines = 2000;
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly ConcurrentDictionary<PostgresCluster, byte> Live = new();

    private readonly PostgresClusterOptions options;
    private readonly PostgresBinaries binaries;
    private readonly ClusterUser user;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConcurrentDictionary<string, byte> issuedConnectionStrings = new();
    private readonly List<string> logLines = [];
    private long loggedLines;
    private StreamWriter? logWriter;
    private Process? server;
    private bool disposed;

    static PostgresCluster()
    {
        // Best effort for a test host that exits without disposing: leave no server behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var cluster in Live.Keys)
            {
                cluster.EmergencyShutdown();
            }
        };
    }

    private PostgresCluster(PostgresBinaries binaries, ClusterUser user, string rootDirectory, PostgresClusterOptions options)
    {
        this.options = options;
        this.binaries = binaries;
        this.user = user;
        RootDirectory = rootDirectory;
        DataDirectory = Path.Combine(rootDirectory, "data");
        LogFile = Path.Combine(rootDirectory, "postgres.log");
    }

    /// <summary>The loopback TCP port; it stays the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The temporary directory: the Unix socket lives here, the data in <see cref="DataDirectory"/>.</summary>
    public string RootDirectory { get; }

    /// <summary>The cluster's data directory (PGDATA).</summary>
    public string DataDirectory { get; }

    /// <summary>The server's log (stdout and stderr of postgres).</summary>
    public string LogFile { get; }

    /// <summary>True while the server process is running.</summary>
    public bool IsRunning
    {
        get
        {
            var process = server;
            return process is not null && !process.HasExited;
        }
    }

    /// <summary>Initialises a new cluster in a fresh temporary directory and starts it, with default options.</summary>
    /// <exception cref="PostgresUnavailableException">The binaries are missing, or initdb or the server failed.</exception>
    public static Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new PostgresClusterOptions(), cancellationToken);

    /// <summary>Initialises a new cluster in a fresh temporary directory and starts it.</summary>
    /// <exception cref="PostgresUnavailableException">The binaries are missing, or initdb or the server failed.</exception>
    public static async Task<PostgresCluster> StartAsync(PostgresClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binaries = PostgresBinaries.Find();
        var user = ClusterUser.Current();
        var root = CreateRootDirectory(user);
        var cluster = new PostgresCluster(binaries, user, root, options);
        Live.TryAdd(cluster, 0);
        try
        {
            await cluster.InitDbAsync(cancellationToken).ConfigureAwait(false);
            await cluster.StartOnFreePortAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A connection string for <paramref name="database"/> on this cluster, as the superuser over TCP.</summary>
    public string ConnectionString(string database)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Superuser,
            Database = database,
            IncludeErrorDetail = true,
        };
        var connectionString = builder.ConnectionString;
        issuedConnectionStrings.TryAdd(connectionString, 0);
        return connectionString;
    }

    /// <summary>
    /// Creates database <paramref name="name"/> (letters, digits, '_' and '-', at most 63 characters;
    /// case is kept) and returns its connection string.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a usable database name: use letters, digits, '_' and '-', at most 63 characters.", nameof(name));
        }

        ObjectDisposedException.ThrowIf(disposed, this);
        var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return ConnectionString(name);
    }

    /// <summary>
    /// Stops the server as a crash would (<c>pg_ctl stop -m immediate</c>), keeping the data
    /// directory; pooled connections to it are cleared. Does nothing if it is not running.
    /// </summary>
    /// <remarks>
    /// Acknowledged commits survive with the default <see cref="PostgresClusterOptions.SynchronousCommit"/>
    /// (on); with it off, the last few hundred milliseconds are lost, as in a real crash.
    /// </remarks>
    public async Task StopServerAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await StopServerCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Starts the server again on the same data directory and port (after <see cref="StopServerAsync"/>),
    /// waiting until it accepts connections; committed data survives, through crash recovery if need be.
    /// </summary>
    public async Task StartServerAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (IsRunning)
            {
                return;
            }

            var outcome = await StartServerCoreAsync(cancellationToken).ConfigureAwait(false);
            if (outcome == StartOutcome.PortInUse)
            {
                throw new PostgresUnavailableException(
                    $"Could not restart PostgreSQL: port {Port} has been taken by another process meanwhile.\n{LogTail()}");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Kills the server (<c>pg_ctl stop -m immediate</c>) and starts it again on the same data directory and port.
    /// Committed data survives only if <see cref="PostgresClusterOptions.SynchronousCommit"/> is on (see <see cref="StopServerAsync"/>).
    /// </summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopServerAsync(cancellationToken).ConfigureAwait(false);
        await StartServerAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m immediate</c>) and deletes the directory; the same as <see cref="DisposeAsync"/>.</summary>
    public Task KillAsync() => DisposeAsync().AsTask();

    /// <summary>Stops the server (<c>pg_ctl stop -m immediate</c>) and deletes the directory. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            try
            {
                await StopServerCoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                CloseLog();
                DeleteRootDirectory();
                Live.TryRemove(this, out _);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The last lines the server wrote, for diagnostics.</summary>
    public string LogTail(int lines = 60)
    {
        lock (logLines)
        {
            return string.Join('\n', logLines.Skip(Math.Max(0, logLines.Count - lines)));
        }
    }

    private long LogLineCount()
    {
        lock (logLines)
        {
            return loggedLines;
        }
    }

    private string LogSince(long mark)
    {
        lock (logLines)
        {
            var count = (int)Math.Min(logLines.Count, loggedLines - mark);
            return string.Join('\n', logLines.Skip(logLines.Count - count));
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"PostgreSQL on {Host}:{Port} ({RootDirectory})";

    private static string CreateRootDirectory(ClusterUser user)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PostgresUnavailableException("The throwaway PostgreSQL cluster supports Unix-like systems only.");
        }

        var parent = Path.GetTempPath();
        if (user.IsSwitched && !TraversableByOthers(parent))
        {
            // The cluster user must be able to reach its directory; TMPDIR may be private to root.
            parent = "/tmp";
            if (!TraversableByOthers(parent))
            {
                throw new PostgresUnavailableException(
                    $"Neither TMPDIR ({Path.GetTempPath()}) nor /tmp can be entered by user {user.Name}; cannot place the cluster directory.");
            }
        }

        // Short names: the Unix socket path inside must stay under ~107 bytes.
        var root = Path.Combine(parent, "ovpg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            user.TakeOwnership(root);
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }

        return root;
    }

    private static bool TraversableByOthers(string path)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(path));
        for (; dir is not null; dir = dir.Parent)
        {
            if (!dir.Exists || (dir.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private async Task InitDbAsync(CancellationToken cancellationToken)
    {
        var (file, arguments) = user.Wrap(binaries.InitDb,
        [
            "--pgdata=" + DataDirectory,
            "--username=" + Superuser,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        ]);
        var result = await ProcessRunner.RunAsync(file, arguments, RootDirectory, InitDbTimeout, cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new PostgresUnavailableException(
                $"initdb failed (exit code {result.ExitCode}): {ProcessRunner.Describe(file, arguments)}\n{result.Output}");
        }

        // Appended settings override initdb's; the files stay owned by the cluster user.
        var socketDirectory = RootDirectory.Replace("'", "''", StringComparison.Ordinal);
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            # OpenVerify.TestKit: throwaway test cluster
            listen_addresses = '{Host}'
            unix_socket_directories = '{socketDirectory}'
            fsync = off
            synchronous_commit = {(options.SynchronousCommit ? "on" : "off")}
            full_page_writes = off
            max_connections = 1000
            logging_collector = off
            log_destination = 'stderr'
            timezone = 'UTC'
            log_timezone = 'UTC'

            """, cancellationToken).ConfigureAwait(false);

        // Only TCP from 127.0.0.1 is allowed in: no Unix-socket, IPv6 or remote logins.
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), $"""
            # OpenVerify.TestKit: trust authentication for loopback TCP only
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            host    all       all   {Host}/32  trust

            """, cancellationToken).ConfigureAwait(false);
    }

    private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            var outcome = await StartServerCoreAsync(cancellationToken).ConfigureAwait(false);
            if (outcome == StartOutcome.Ready)
            {
                return;
            }

            if (attempt == PortAttempts)
            {
                throw new PostgresUnavailableException(
                    $"PostgreSQL could not bind a loopback port after {PortAttempts} attempts (last: {Port}).\n{LogTail()}");
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private enum StartOutcome
    {
        Ready,
        PortInUse,
    }

    private async Task<StartOutcome> StartServerCoreAsync(CancellationToken cancellationToken)
    {
        OpenLog();
        var logMark = LogLineCount();
        var (file, arguments) = user.Wrap(binaries.Postgres, ["-D", DataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var psi = ProcessRunner.StartInfo(file, arguments, RootDirectory);
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => AppendLog(e.Data);
        process.ErrorDataReceived += (_, e) => AppendLog(e.Data);

        // A probe must not wait out its timeout on whatever holds the port once the server has died.
        using var serverExited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            try
            {
                serverExited.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The start has finished; nothing is waiting any more.
            }
        };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            process.Dispose();
            throw new PostgresUnavailableException($"Could not start {ProcessRunner.Describe(file, arguments)}: {e.Message}", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        server = process;

        var stopwatch = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = Superuser,
            Database = "postgres",
            Pooling = false,

            // Short: Npgsql honours cancellation only while connecting, so a probe answered by a
            // process that took the port would otherwise hold the loop up; a timed-out probe is retried.
            Timeout = 1,
        }.ConnectionString;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false); // flush the log readers
                server = null;
                var exitCode = process.ExitCode;
                process.Dispose();
                var tail = LogSince(logMark);
                if (tail.Contains("could not create any TCP/IP sockets", StringComparison.Ordinal)
                    || tail.Contains("Address already in use", StringComparison.Ordinal))
                {
                    AppendLog($"[testkit] port {Port} is in use");
                    return StartOutcome.PortInUse;
                }

                throw new PostgresUnavailableException($"PostgreSQL exited during startup (exit code {exitCode}).\n{tail}");
            }

            if (await IsOwnServerReadyAsync(probe, serverExited.Token).ConfigureAwait(false))
            {
                AppendLog($"[testkit] ready on port {Port} after {stopwatch.ElapsedMilliseconds} ms");
                return StartOutcome.Ready;
            }

            if (stopwatch.Elapsed > options.StartTimeout)
            {
                await StopServerCoreAsync(CancellationToken.None).ConfigureAwait(false);
                throw new PostgresUnavailableException(
                    $"PostgreSQL did not accept connections on port {Port} within {options.StartTimeout.TotalSeconds:0}s.\n{LogTail()}");
            }

            try
            {
                await Task.Delay(PollInterval, serverExited.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The server exited: the next round reports why.
            }
        }
    }

    private async Task<bool> IsOwnServerReadyAsync(string probe, CancellationToken cancellationToken)
    {
        try
        {
            var connection = new NpgsqlConnection(probe);
            await using (connection.ConfigureAwait(false))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = new NpgsqlCommand("SELECT current_setting('data_directory')", connection);
                await using (command.ConfigureAwait(false))
                {
                    var dataDirectory = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    if (!string.Equals(dataDirectory, DataDirectory, StringComparison.Ordinal))
                    {
                        throw new PostgresUnavailableException(
                            $"Port {Port} is answered by another PostgreSQL server (data directory '{dataDirectory}').");
                    }
                }
            }

            return true;
        }
        catch (NpgsqlException)
        {
            // Not listening yet, or "the database system is starting up".
            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server exited (or the caller gave up: the loop checks which).
            return false;
        }
    }

    private async Task StopServerCoreAsync(CancellationToken cancellationToken)
    {
        ClearIssuedPools();
        var process = server;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                var (file, arguments) = user.Wrap(binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"]);
                ProcessResult result;
                try
                {
                    result = await ProcessRunner.RunAsync(file, arguments, RootDirectory, StopTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException e)
                {
                    result = new ProcessResult(-1, e.Message);
                }

                if (result.ExitCode != 0 && !process.HasExited)
                {
                    AppendLog($"[testkit] pg_ctl stop failed (exit code {result.ExitCode}), killing the server: {result.Output}");
                    process.Kill(entireProcessTree: true);
                }
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(StopTimeout);
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            AppendLog("[testkit] server stopped");
        }
        finally
        {
            server = null;
            process.Dispose();
            ClearIssuedPools();
        }
    }

    private void ClearIssuedPools()
    {
        foreach (var connectionString in issuedConnectionStrings.Keys)
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    private void EmergencyShutdown()
    {
        try
        {
            var process = server;
            if (process is not null && !process.HasExited)
            {
                var (file, arguments) = user.Wrap(binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "10"]);
                ProcessRunner.Run(file, arguments, RootDirectory, TimeSpan.FromSeconds(15));
            }

            CloseLog();
            DeleteRootDirectory();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or UnauthorizedAccessException)
        {
            // Nothing more can be done while the process exits.
        }
    }

    private void DeleteRootDirectory()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(RootDirectory))
                {
                    Directory.Delete(RootDirectory, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 5)
            {
                // A file may still be closing (e.g. the server's last writes); try again.
                Thread.Sleep(50 * attempt);
            }
        }
    }

    private void OpenLog()
    {
        lock (logLines)
        {
            logWriter ??= new StreamWriter(new FileStream(LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false))
            {
                AutoFlush = true,
            };
        }
    }

    private void CloseLog()
    {
        lock (logLines)
        {
            logWriter?.Dispose();
            logWriter = null;
        }
    }

    private void AppendLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (logLines)
        {
            if (logLines.Count == MaxLogLines)
            {
                logLines.RemoveRange(0, MaxLogLines / 4);
            }

            logLines.Add(line);
            loggedLines++;
            logWriter?.WriteLine(line);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex DatabaseName();
}
