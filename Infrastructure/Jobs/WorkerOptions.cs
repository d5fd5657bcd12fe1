namespace BackupPortal.Infrastructure.Jobs;

public sealed class WorkerOptions
{
    /// <summary>Jobs this instance runs at once (<c>Worker__Concurrency</c>).</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>How often idle workers look for work they were not told about.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
