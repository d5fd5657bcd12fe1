namespace BackupPortal.Infrastructure.Jobs;

/// <summary>
/// What a running job shares with its worker: a token that fires when someone cancels the job (or the worker loses
/// it), and the progress the worker's heartbeat writes to the catalog.
/// </summary>
public sealed class JobControl(Guid jobId, CancellationToken stopping) : IDisposable
{
    private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    private long _bytes;
    private int _tablesDone;

    public Guid JobId { get; } = jobId;
    public CancellationToken Token => _cancel.Token;

    /// <summary>Why the job was stopped from outside, if it was: a user's cancel, or the catalog no longer running it.</summary>
    public string? StopReason { get; private set; }

    public bool CancelledByUser { get; private set; }

    public long Bytes => Interlocked.Read(ref _bytes);
    public int TablesDone => Volatile.Read(ref _tablesDone);
    public int? TablesTotal { get; set; }
    public long? EstimatedBytes { get; set; }

    public void AddBytes(int count) => Interlocked.Add(ref _bytes, count);

    public void TableDone() => Interlocked.Increment(ref _tablesDone);

    public void Stop(string reason, bool byUser)
    {
        if (StopReason is not null) return;
        (StopReason, CancelledByUser) = (reason, byUser);
        // Off the caller's thread: cancellation callbacks (killing tools, cancelling queries) must not stall the heartbeat.
        _ = _cancel.CancelAsync();
    }

    public void Dispose() => _cancel.Dispose();
}
