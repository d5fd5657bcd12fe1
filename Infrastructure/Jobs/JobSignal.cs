namespace BackupPortal.Infrastructure.Jobs;

/// <summary>Wakes idle workers when a job is queued, so they need not wait for their next poll.</summary>
public sealed class JobSignal
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Notify() => _signal.Release();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _signal.WaitAsync(timeout, cancellationToken);
    }
}
