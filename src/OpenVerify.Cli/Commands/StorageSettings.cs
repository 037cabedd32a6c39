using System.ComponentModel;
using Spectre.Console.Cli;

namespace OpenVerify.Cli.Commands;

/// <summary>Options shared by every command that opens the server's storage.</summary>
public class StorageSettings : CommandSettings
{
    /// <summary>Data directory (SQLite file DIR/openverify.db).</summary>
    [CommandOption("--data <DIR>")]
    [Description("Data directory; the SQLite file is DIR/openverify.db (default ./data)")]
    public string? Data { get; init; }

    /// <summary>sqlite | postgres.</summary>
    [CommandOption("--storage <KIND>")]
    [Description("sqlite (default) or postgres")]
    public string? Storage { get; init; }

    /// <summary>Connection string.</summary>
    [CommandOption("--connection <STRING>")]
    [Description("Database connection string (required for postgres)")]
    public string? Connection { get; init; }

    /// <summary>The settings as configuration overrides (OpenVerify:*).</summary>
    public virtual IEnumerable<KeyValuePair<string, string?>> ToConfiguration()
    {
        if (Data is not null)
        {
            yield return new("OpenVerify:DataDirectory", Data);
        }

        if (Storage is not null)
        {
            yield return new("OpenVerify:Storage", Storage);
        }

        if (Connection is not null)
        {
            yield return new("OpenVerify:Connection", Connection);
        }
    }
}
