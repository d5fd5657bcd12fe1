using System.Globalization;
using BackupPortal.Domain.Backups;

namespace BackupPortal.Domain.Drills;

public enum DrillStatus { Pending, Running, Passed, Failed }

public enum DrillTrigger { Manual, Schedule }

/// <summary>
/// A source's own check of a restored copy: a query returning one value and the condition it must meet, such as
/// <c>select count(*) from orders where created_at &gt; now() - interval '1 day'</c> <c>&gt;</c> <c>0</c>.
/// </summary>
public sealed record SqlCheck(string Name, string Sql, string Operator, string Expected)
{
    public static readonly string[] Operators = ["=", "!=", ">", ">=", "<", "<="];

    /// <summary>Numbers compare as numbers; anything else only with = and !=.</summary>
    public bool Holds(string? actual)
    {
        if (decimal.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && decimal.TryParse(Expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e))
        {
            return Operator switch { "=" => a == e, "!=" => a != e, ">" => a > e, ">=" => a >= e, "<" => a < e, "<=" => a <= e, _ => false };
        }
        return Operator switch { "=" => actual == Expected, "!=" => actual != Expected, _ => false };
    }
}

/// <summary>
/// A restore drill: the newest full backup (and, for point-in-time sources, a random moment of the recoverable
/// window) restored into scratch databases, checked, timed and dropped. A passed drill proves the source restorable.
/// </summary>
public sealed class RestoreDrill
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SourceId { get; set; }
    public DrillStatus Status { get; set; } = DrillStatus.Pending;
    public DrillTrigger Trigger { get; set; } = DrillTrigger.Manual;

    /// <summary>The schedule occurrence a scheduled drill fulfils; unique per source, so it fires once.</summary>
    public DateTimeOffset? ScheduledFor { get; set; }

    public required string RequestedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? WorkerId { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    public Guid? BackupJobId { get; set; }
    public Guid? RestoreId { get; set; }

    /// <summary>Time to restore the newest full backup, start to finish: the recovery time the drill measured.</summary>
    public double? RtoSeconds { get; set; }

    public Guid? PitrRestoreId { get; set; }
    public DateTimeOffset? PitrTargetTime { get; set; }
    public double? PitrRtoSeconds { get; set; }

    public List<VerificationCheck> Checks { get; set; } = [];
    public string? ErrorMessage { get; set; }

    /// <summary>Replaces the list rather than changing it, so the catalog sees the new check.</summary>
    public void Add(VerificationCheck check) => Checks = [.. Checks, check];

    public void Finish(string? error)
    {
        ErrorMessage = error;
        Status = error is null && Checks.Count > 0 && Checks.All(c => c.Passed) ? DrillStatus.Passed : DrillStatus.Failed;
        CompletedAt = DateTimeOffset.UtcNow;
    }
}
