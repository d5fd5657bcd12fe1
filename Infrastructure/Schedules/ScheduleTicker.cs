using Coravel.Invocable;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Schedules;

/// <summary>Coravel wakes this every few seconds to fire the backup schedules and restore drills that are due.</summary>
public sealed class ScheduleTicker(ScheduleService schedules, Drills.DrillService drills, ILogger<ScheduleTicker> logger) : IInvocable
{
    public async Task Invoke()
    {
        foreach (var fired in await schedules.RunDueAsync(DateTimeOffset.UtcNow, "scheduler", CancellationToken.None))
            logger.LogInformation("Schedule {Name} ({ScheduleId}) for {Occurrence:o}: {Outcome}", fired.Name, fired.ScheduleId, fired.ScheduledFor, fired.Outcome);
        if (await drills.RunDueAsync(DateTimeOffset.UtcNow, CancellationToken.None) is > 0 and var queued)
            logger.LogInformation("{Count} scheduled restore drills queued", queued);
    }
}

public sealed class SchedulerOptions
{
    /// <summary><c>Scheduler__Enabled</c>: whether this instance fires schedules (every instance may; each occurrence fires once).</summary>
    public bool Enabled { get; set; } = true;
}
