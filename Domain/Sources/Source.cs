namespace BackupPortal.Domain.Sources;

/// <summary>A PostgreSQL database that BackupPortal protects.</summary>
public sealed class Source
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; } = 5432;
    public required string DatabaseName { get; set; }
    public required string Username { get; set; }

    /// <summary>Encrypted with the master key; never leaves the catalog in clear.</summary>
    public string? PasswordEncrypted { get; set; }

    public string SslMode { get; set; } = "prefer";
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>Continuous WAL archiving through a replication slot of our own, for point-in-time recovery.</summary>
    public bool PointInTimeRecovery { get; set; }

    /// <summary>Last time a WAL receiver reported in for this source, whether or not new WAL arrived.</summary>
    public DateTimeOffset? WalReceiverSeenAt { get; set; }

    /// <summary>Last time new WAL arrived from the source.</summary>
    public DateTimeOffset? WalReceivedAt { get; set; }

    /// <summary>Why the WAL receiver last stopped, while it is not running.</summary>
    public string? WalReceiverError { get; set; }

    /// <summary>The physical replication slot that keeps the source's WAL until we have archived it.</summary>
    public string SlotName => $"backupportal_{Id:N}";
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The storage policy: where backups go, in the order reads try them. Empty means the default location.</summary>
    public List<Guid> StorageLocationIds { get; set; } = [];

    /// <summary>When restore drills run (cron, UTC; the seed's "Monthly: test restore procedures").</summary>
    public string DrillCronExpression { get; set; } = DefaultDrillCron;
    public bool DrillEnabled { get; set; } = true;
    public DateTimeOffset? DrillNextRunAt { get; set; }

    /// <summary>The server drills restore onto; null for the source's own.</summary>
    public Guid? DrillTargetSourceId { get; set; }

    /// <summary>The source's own checks of a restored copy, run by every drill.</summary>
    public List<Drills.SqlCheck> SqlChecks { get; set; } = [];

    public const string DefaultDrillCron = "0 4 1 * *";

    public static readonly string[] SslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
}
