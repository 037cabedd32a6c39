using OpenVerify.Protocol.Wire;
using OpenVerify.Server.Factors;

namespace OpenVerify.Server.Storage.Sql;

/// <summary>
/// Recently read verified factors, by SID and by device-JWT key id (every device request looks its
/// factor up by key id; every challenge creation by SID). Only verified factors are kept: an
/// unverified one is about to change, and a refusal (60318) must never come from an old row.
/// What is kept can still vanish on another instance; the writes that depend on a factor check
/// that it exists in the same statement (see <see cref="SqlChallengeStore"/>).
/// </summary>
internal sealed class FactorRows(TimeProvider clock)
{
    private readonly RecentRows<Factor> rows = new(TimeSpan.FromSeconds(1), clock);

    public long Version => rows.Version;

    public Factor? BySid(string sid) => rows.TryGet("sid:" + sid, out var f) ? f.Copy() : null;

    public Factor? ByCredential(string credentialSid) => rows.TryGet("kid:" + credentialSid, out var f) ? f.Copy() : null;

    public void Keep(Factor? factor, long readVersion)
    {
        if (factor is { Status: FactorStatuses.Verified })
        {
            var kept = factor.Copy();
            rows.Keep("sid:" + factor.Sid, kept, readVersion);
            rows.Keep("kid:" + factor.CredentialSid, kept, readVersion);
        }
    }

    public void Forget(string sid, string? credentialSid)
    {
        rows.Forget("sid:" + sid);
        if (credentialSid is not null)
        {
            rows.Forget("kid:" + credentialSid);
        }
    }

    public void ForgetAll() => rows.ForgetAll();
}
