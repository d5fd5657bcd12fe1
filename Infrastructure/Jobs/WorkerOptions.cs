namespace BackupPortal.Infrastructure.Jobs;

public sealed class WorkerOptions
{
    /// <summary>Jobs this instance runs at once (<c>Worker__Concurrency</c>).</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>How often idle workers look for work they were not told about.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often this instance renews its leases, writes progress and looks for cancel requests.</summary>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A running job whose lease is not renewed for this long belonged to a worker that died.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The watchdog fails a job still running after this long.</summary>
    public TimeSpan MaxJobDuration { get; set; } = TimeSpan.FromHours(12);
}
