using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BackupPortal.Domain.Audit;

/// <summary>
/// One audited event. Rows form a hash chain: each hash covers the row's own columns and the previous row's hash, so
/// changing, inserting or deleting any row breaks every hash after it.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public string? ActorRole { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public required string Outcome { get; set; }
    public string? RemoteAddress { get; set; }
    public string? Summary { get; set; }
    public required string PrevHash { get; set; }
    public string Hash { get; set; } = "";

    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public string ComputeHash()
    {
        var content = string.Join('\u001f',
            Id.ToString(CultureInfo.InvariantCulture), At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            Actor, ActorRole ?? "", Action, Target ?? "", Outcome, RemoteAddress ?? "", Summary ?? "", PrevHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }

    /// <summary>PostgreSQL keeps microseconds; hashing must see exactly what is stored.</summary>
    public static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % 10));
    }
}
