namespace BackupPortal.Domain.Pitr;

/// <summary>
/// The span a source can be restored to: from the oldest base backup's consistent point to the newest WAL received.
/// A gap in the archive breaks it: points after a gap need a base backup taken after it.
/// </summary>
public sealed record RecoveryWindow(DateTimeOffset? Earliest, DateTimeOffset? Latest, List<WalGap> Gaps)
{
    public bool Contains(DateTimeOffset time) => Earliest <= time && time <= Latest;
}

/// <summary>Segments missing from the archive between two that are there, with the times around them.</summary>
public sealed record WalGap(string AfterSegment, string BeforeSegment, int MissingSegments, DateTimeOffset? From, DateTimeOffset? To, string Reason);
