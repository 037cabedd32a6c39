using Dapper;
using OpenVerify.Server.Console;

namespace OpenVerify.Server.Storage.Sql;

internal sealed class SqlAuditLog(IDatabase db) : IAuditLog
{
    public Task AddAsync(AuditEntry entry, CancellationToken cancellationToken) =>
        db.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO console_audit (account_sid, actor, at, action, target, detail) VALUES (@AccountSid, @Actor, @At, @Action, @Target, @Detail)",
                entry, w.Transaction, cancellationToken: w.CancellationToken));
        }, cancellationToken);

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string accountSid, PageQuery page, CancellationToken cancellationToken)
    {
        var (where, order) = page.Sql();
        await using var c = await db.OpenReadAsync(cancellationToken);
        var rows = await c.QueryAsync<Row>(new CommandDefinition(
            $"SELECT id, account_sid AS AccountSid, actor, at, action, target, detail FROM console_audit WHERE account_sid = @accountSid AND {where} ORDER BY id {order} LIMIT @limit OFFSET @offset",
            new { accountSid, cursor = page.CursorId, limit = page.Limit, offset = page.SkipRows }, cancellationToken: cancellationToken));
        return rows.Select(r => new AuditEntry(r.Id, r.AccountSid, r.Actor, r.At, r.Action, r.Target, r.Detail)).ToList();
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public string AccountSid { get; set; } = "";
        public string Actor { get; set; } = "";
        public long At { get; set; }
        public string Action { get; set; } = "";
        public string Target { get; set; } = "";
        public string? Detail { get; set; }
    }
}
