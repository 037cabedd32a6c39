namespace OpenVerify.TestKit.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster could not be set up or started: binaries missing, no usable
/// operating-system user, initdb or the server failing. Tests that need PostgreSQL fail with
/// this rather than being skipped silently.
/// </summary>
public sealed class PostgresUnavailableException : Exception
{
    public PostgresUnavailableException(string message)
        : base(message)
    {
    }

    public PostgresUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
