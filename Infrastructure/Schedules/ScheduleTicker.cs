using Coravel.Invocable;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Schedules;

/// <summary>Coravel wakes this every few seconds to fire the schedules that are due.</summary>
public sealed class ScheduleTicker(ScheduleService schedules, ILogger<ScheduleTicker> logger) : IInvocable
{
    public async Task Invoke()
    {
        foreach (var fired in await schedules.RunDueAsync(DateTimeOffset.UtcNow, "scheduler", CancellationToken.None))
            logger.LogInformation("Schedule {Name} ({ScheduleId}) for {Occurrence:o}: {Outcome}", fired.Name, fired.ScheduleId, fired.ScheduledFor, fired.Outcome);
    }
}

public sealed class SchedulerOptions
{
    /// <summary><c>Scheduler__Enabled</c>: whether this instance fires schedules (every instance may; each occurrence fires once).</summary>
    public bool Enabled { get; set; } = true;
}
