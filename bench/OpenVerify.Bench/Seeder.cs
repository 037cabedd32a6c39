using System.Diagnostics;
using Microsoft.Data.Sqlite;
using OpenVerify.Protocol.Sids;

namespace OpenVerify.Bench;

/// <summary>
/// Fills a migrated (and stopped) server's SQLite file directly: entities, one verified factor each,
/// and challenges spread over them, in one transaction with prepared inserts. The columns are those
/// of src/OpenVerify.Server/Storage/Sqlite/Migrations; a schema that lacks one fails loudly.
/// </summary>
internal static class Seeder
{
    private static readonly string[] ChallengeStatuses = ["approved", "approved", "approved", "approved", "approved", "approved", "approved", "denied", "expired", "expired"];

    public static TimeSpan Seed(string databasePath, string accountSid, string serviceSid, string publicKey, int entities, int challenges)
    {
        var watch = Stopwatch.StartNew();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        Exec(connection, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
        RequireColumns(connection, "entities", "sid", "account_sid", "service_sid", "identity", "date_created", "date_updated");
        RequireColumns(connection, "factors", "sid", "credential_sid", "public_key", "status", "notification_platform");
        RequireColumns(connection, "challenges", "sid", "factor_sid", "status", "responded_reason", "include_date", "expiration_date");

        using (var transaction = connection.BeginTransaction())
        {
            var entity = Prepare(connection, transaction,
                "INSERT INTO entities (sid, account_sid, service_sid, identity, date_created, date_updated) VALUES ($sid, $account, $service, $identity, $created, $created)",
                "$sid", "$account", "$service", "$identity", "$created");
            var factor = Prepare(connection, transaction,
                """
                INSERT INTO factors (sid, account_sid, service_sid, entity_sid, identity, friendly_name, factor_type, status, credential_sid, public_key, binding_alg,
                    sdk_version, app_id, notification_platform, notification_token, metadata, date_created, date_updated)
                VALUES ($sid, $account, $service, $entity, $identity, 'seeded phone', 'push', 'verified', $credential, $key, 'ES256',
                    'seed', 'com.openverify.bench', 'none', NULL, NULL, $created, $created)
                """,
                "$sid", "$account", "$service", "$entity", "$identity", "$credential", "$key", "$created");
            var challenge = Prepare(connection, transaction,
                """
                INSERT INTO challenges (sid, account_sid, service_sid, entity_sid, identity, factor_sid, factor_type, status, responded_reason, message, fields,
                    include_date, hidden_details, metadata, date_created, date_updated, date_responded, expiration_date)
                VALUES ($sid, $account, $service, $entity, $identity, $factor, 'push', $status, 'none', 'Log in to OpenVerify bench?',
                    '[{"label":"Location","value":"Lisbon, PT"},{"label":"IP","value":"203.0.113.7"}]',
                    0, '{"request_id":"seed"}', NULL, $created, $updated, $responded, $expires)
                """,
                "$sid", "$account", "$service", "$entity", "$identity", "$factor", "$status", "$created", "$updated", "$responded", "$expires");

            var now = DateTimeOffset.FromUnixTimeSeconds(TimeProvider.System.GetUtcNow().ToUnixTimeSeconds());
            var oldest = now.AddDays(-30).ToUnixTimeSeconds();
            var span = now.AddMinutes(-10).ToUnixTimeSeconds() - oldest;
            var random = new Random(42);
            var perEntity = challenges / entities;
            var extra = challenges % entities;
            for (var e = 0; e < entities; e++)
            {
                var identity = "seed-user-" + e.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
                var entitySid = Sid.New(SidPrefix.Entity);
                var factorSid = Sid.New(SidPrefix.Factor);
                var created = oldest + random.NextInt64(span);
                Run(entity, entitySid, accountSid, serviceSid, identity, created);
                Run(factor, factorSid, accountSid, serviceSid, entitySid, identity, Sid.New(SidPrefix.Credential), publicKey, created);
                for (var c = 0; c < perEntity + (e < extra ? 1 : 0); c++)
                {
                    var at = oldest + random.NextInt64(span);
                    var status = ChallengeStatuses[random.Next(ChallengeStatuses.Length)];
                    var answered = status == "expired" ? (object)DBNull.Value : at + random.Next(2, 60);
                    Run(challenge, Sid.New(SidPrefix.Challenge), accountSid, serviceSid, entitySid, identity, factorSid, status,
                        at, status == "expired" ? at + 300 : answered, answered, at + 300);
                }
            }

            transaction.Commit();
        }

        // Leave no large WAL behind for the server to start on.
        Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return watch.Elapsed;
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void RequireColumns(SqliteConnection connection, string table, params string[] columns)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }

        var missing = columns.Where(c => !present.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Table {table} lacks {string.Join(", ", missing)}: the seeder no longer matches the migrations");
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = p });
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }
}
