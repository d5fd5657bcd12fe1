namespace BackupPortal.Domain.Pitr;

/// <summary>One write-ahead log file (a segment or a timeline history file) in a source's WAL archive.</summary>
public sealed class WalSegment
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid SourceId { get; set; }

    /// <summary>The file's own name, as PostgreSQL asks for it in <c>restore_command</c>.</summary>
    public required string FileName { get; set; }

    public int Timeline { get; set; }

    /// <summary>Segment number (position / segment size); null for history files.</summary>
    public long? SegmentNumber { get; set; }

    /// <summary>Size of the segment as PostgreSQL wrote it (the source's <c>wal_segment_size</c>).</summary>
    public long OriginalBytes { get; set; }

    public string PlaintextSha256 { get; set; } = "";
    public required string StoragePath { get; set; }
    public long FileSizeBytes { get; set; }
    public string ChecksumSha256 { get; set; } = "";
    public string KeyId { get; set; } = "";
    public DateTimeOffset ArchivedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>The storage locations holding the segment, in the order reads try them; null for the default location only.</summary>
    public List<Guid>? LocationIds { get; set; }

    /// <summary>Commit timestamps of the first and last transaction the segment holds, as <c>pg_waldump</c> reads them.</summary>
    public DateTimeOffset? FirstCommitAt { get; set; }
    public DateTimeOffset? LastCommitAt { get; set; }
}
