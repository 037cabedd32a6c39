using System.Text.RegularExpressions;
using Dapper;
using OpenVerify.Server.Hosting;
using OpenVerify.Server.Storage;
using OpenVerify.Server.Storage.Postgres;
using OpenVerify.Server.Storage.Sqlite;
using OpenVerify.Tests.Shared;

namespace OpenVerify.Server.Tests.Storage.Migrations;

/// <summary>
/// Every SQLite migration has a PostgreSQL twin of the same name, and both build the same tables and
/// columns, so the shared Dapper stores see one schema. Adding a migration to one provider only fails here.
/// </summary>
// Compares the two providers' schemas itself (a SQLite file against a database of the shared cluster), so
// it runs once.
[RunsOn(TestStorage.Postgres)]
public sealed partial class MigrationParityTests
{
    private readonly CancellationToken ct = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public void Both_migration_folders_hold_the_same_numbered_files()
    {
        var root = RepositoryRoot.Find();
        Assert.True(root is not null, "The repository root (OpenVerify.slnx) was not found above the test binaries.");
        var storage = Path.Combine(root, "src", "OpenVerify.Server", "Storage");

        var sqlite = NumberedFiles(Directory.GetFiles(Path.Combine(storage, "Sqlite", "Migrations")).Select(Path.GetFileName));
        var postgresFiles = NumberedFiles(Directory.GetFiles(Path.Combine(storage, "Postgres", "Migrations")).Select(Path.GetFileName));

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, postgresFiles);
    }

    [Fact]
    public void Both_providers_embed_the_same_numbered_migrations()
    {
        var resources = typeof(OpenVerifyHosting).Assembly.GetManifestResourceNames();

        Assert.Equal(Embedded(resources, "Sqlite"), Embedded(resources, "Postgres"));
        Assert.NotEmpty(Embedded(resources, "Postgres"));
    }

    [Fact]
    public async Task Both_providers_build_the_same_tables_columns_and_nullability()
    {
        var directory = Path.Combine(Path.GetTempPath(), "openverify-tests", Guid.NewGuid().ToString("N"));
        await using var sqlite = new SqliteDatabase(Path.Combine(directory, "openverify.db"));
        await sqlite.MigrateAsync(ct);
        await using var pg = new PostgresDatabase(await TestStorage.CreatePostgresDatabaseAsync("parity"));
        await pg.MigrateAsync(ct);

        var sqliteColumns = await ColumnsAsync(sqlite, """
            SELECT m.name AS table_name, p.name AS column_name, p."notnull" AS not_null, p.pk AS pk
            FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            """);
        var postgresColumns = await ColumnsAsync(pg, """
            SELECT c.table_name AS table_name, c.column_name AS column_name, CASE c.is_nullable WHEN 'NO' THEN 1 ELSE 0 END AS not_null,
                   CASE WHEN EXISTS (
                       SELECT 1 FROM information_schema.table_constraints t
                       JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name AND k.table_name = t.table_name
                       WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_name = c.table_name AND k.column_name = c.column_name) THEN 1 ELSE 0 END AS pk
            FROM information_schema.columns c WHERE c.table_schema = 'public'
            """);

        Assert.NotEmpty(sqliteColumns);
        Assert.Equal(sqliteColumns, postgresColumns);
    }

    private static async Task<List<string>> ColumnsAsync(IDatabase database, string sql)
    {
        await using var c = await database.OpenReadAsync(CancellationToken.None);
        var rows = await c.QueryAsync<(string Table, string Column, long NotNull, long Pk)>(sql);
        return rows
            .Where(r => !r.Table.Equals("schemaversions", StringComparison.OrdinalIgnoreCase))
            // Note: SQLite reports primary-key columns as nullable; compare nullability elsewhere only.
            .Select(r => $"{r.Table}.{r.Column}" + (r.Pk != 0 ? " pk" : r.NotNull != 0 ? " not null" : " null"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static List<string> NumberedFiles(IEnumerable<string?> names) =>
        names.OfType<string>().Where(n => Numbered().IsMatch(n)).Order(StringComparer.Ordinal).ToList();

    private static List<string> Embedded(string[] resources, string provider)
    {
        var marker = $".Storage.{provider}.Migrations.";
        return NumberedFiles(resources.Where(r => r.Contains(marker, StringComparison.Ordinal)).Select(r => r[(r.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..]));
    }

    [GeneratedRegex(@"^\d+_.+\.sql$")]
    private static partial Regex Numbered();
}
