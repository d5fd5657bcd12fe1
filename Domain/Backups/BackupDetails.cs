namespace BackupPortal.Domain.Backups;

/// <summary>What a backup recorded about its database, in the same snapshot as the dump.</summary>
public sealed record BackupDetails
{
    public required string ServerVersion { get; init; }
    public required string ToolVersion { get; init; }
    public long PlaintextBytes { get; init; }
    public string? PlaintextSha256 { get; init; }
    public double DurationSeconds { get; init; }

    /// <summary>SHA-256 over the archive's table of contents, without its timestamped header.</summary>
    public string? SchemaFingerprint { get; init; }

    /// <summary>The archive's table of contents as <c>pg_restore --list</c> prints it.</summary>
    public string? TocList { get; init; }

    public List<ArchivedTable> Tables { get; init; } = [];
    public List<string> Schemas { get; init; } = [];

    /// <summary>The write-ahead log a physical backup holds (base) or covers (incremental).</summary>
    public WalRange? Wal { get; init; }

    /// <summary>What a reader of the backup should know, such as a base backup taken first for an incremental.</summary>
    public List<string> Notes { get; init; } = [];

    /// <summary>What the backup tool printed with <c>--verbose</c> (the tail, bounded), for the backup's log view.</summary>
    public string? Log { get; init; }
}

/// <summary>A stretch of write-ahead log: positions, the segments holding it, and the commits it contains.</summary>
public sealed record WalRange
{
    public required string StartLsn { get; init; }
    public required string EndLsn { get; init; }
    public int Timeline { get; init; } = 1;

    /// <summary>When a restore from this base can stop at the earliest: the end of the backup, once it is consistent.</summary>
    public DateTimeOffset? ConsistentAt { get; init; }

    /// <summary>The base backup an incremental builds on.</summary>
    public Guid? BaseBackupId { get; init; }

    public List<string> Segments { get; init; } = [];
    public long WalBytes { get; init; }
    public DateTimeOffset? FirstCommitAt { get; init; }
    public DateTimeOffset? LastCommitAt { get; init; }
}

/// <summary>A table in the archive, with the oids of the objects that belong to it (indexes, constraints, triggers…).</summary>
public sealed record ArchivedTable
{
    public required string Schema { get; init; }
    public required string Name { get; init; }
    public long RowCount { get; init; }
    public uint Oid { get; init; }

    /// <summary>Oids of indexes, constraints, triggers, defaults, policies, rules and owned sequences.</summary>
    public List<uint> DependentOids { get; init; } = [];

    public List<string> OwnedSequences { get; init; } = [];

    /// <summary>FK constraints of this table and the table each one references, as <c>schema.name</c>.</summary>
    public Dictionary<uint, string> ForeignKeys { get; init; } = [];

    public string QualifiedName => $"{Schema}.{Name}";
}
