namespace BackupPortal.Infrastructure.Pitr;

/// <summary>The <c>Pitr</c> section: where WAL is received and where recovered instances run.</summary>
public sealed class PitrOptions
{
    /// <summary>Local directory pg_receivewal writes into (one folder per source); defaults to <c>_spool</c> under the storage path.</summary>
    public string? SpoolPath { get; set; }

    /// <summary>Where point-in-time restores and base-backup verification start their temporary PostgreSQL instances.</summary>
    public string SandboxPath { get; set; } = Path.Combine(Path.GetTempPath(), "backupportal-sandbox");

    /// <summary>The OS user recovered instances run as when the Api runs as root (postgres refuses root).</summary>
    public string SandboxOsUser { get; set; } = "postgres";

    /// <summary>Run WAL receivers in this instance (set false on instances that should not hold replication slots).</summary>
    public bool ReceiversEnabled { get; set; } = true;

    /// <summary>How long an incremental backup waits for the archive to hold the WAL it closed.</summary>
    public TimeSpan ArchiveWaitTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan ReceiverMaxBackoff { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>WAL a slot may hold back on the source before a warning is logged and reported.</summary>
    public long SlotRetainedWarningBytes { get; set; } = 8L << 30;
}
