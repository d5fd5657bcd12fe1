using System.Diagnostics;
using BackupPortal.Domain.Alerts;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Restores;
using BackupPortal.Infrastructure.Alerts;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Restores;
using BackupPortal.Infrastructure.Sources;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Monitoring;

public sealed record SelfTestStep(string Name, bool Passed, string Detail, double Seconds);

public sealed record SelfTestReport(bool Passed, DateTimeOffset StartedAt, double Seconds, List<SelfTestStep> Steps);

/// <summary>
/// The seed's post-deployment validation as one call: schedules active with a next run; per source a small
/// (schema-only) backup through the job engine, its verification, and a restore into a scratch database that is then
/// dropped; a test message through every channel. Each step reports its outcome and time.
/// </summary>
public sealed class SelfTest(
    CatalogDbContext db, BackupService backups, RestoreService restores, AlertService alerts, SourceConnector connector)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    public async Task<SelfTestReport> RunAsync(IReadOnlyCollection<Guid>? sourceIds, string actor, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var steps = new List<SelfTestStep> { await SchedulesAsync(cancellationToken) };
        var sources = await db.Sources.AsNoTracking().Where(s => s.Enabled && (sourceIds == null || sourceIds.Contains(s.Id))).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        if (sources.Count == 0) steps.Add(new("sources", false, "No enabled source to test.", 0));
        foreach (var source in sources) steps.AddRange(await SourceAsync(source, actor, cancellationToken));
        foreach (var channel in await db.AlertChannels.AsNoTracking().Where(c => c.Enabled).OrderBy(c => c.Name).ToListAsync(cancellationToken))
            steps.Add(await ChannelAsync(channel, cancellationToken));
        return new SelfTestReport(steps.All(s => s.Passed), started, Math.Round(total.Elapsed.TotalSeconds, 3), steps);
    }

    private async Task<SelfTestStep> SchedulesAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var active = await db.BackupSchedules.AsNoTracking().Where(s => s.IsActive).ToListAsync(cancellationToken);
        var unplanned = active.Where(s => s.NextRunAt is null).Select(s => s.Name).ToList();
        var passed = active.Count > 0 && unplanned.Count == 0;
        return new("schedules", passed, active.Count == 0 ? "No active schedule."
            : unplanned.Count > 0 ? $"{unplanned.Count} active schedule(s) have no next run: {string.Join(", ", unplanned)}."
            : $"{active.Count} active schedules, each with a next run (soonest {active.Min(s => s.NextRunAt):u}).", clock.Lap());
    }

    private async Task<List<SelfTestStep>> SourceAsync(Domain.Sources.Source source, string actor, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var steps = new List<SelfTestStep>();
        var queued = await backups.QueueAsync(source.Id, BackupType.SchemaOnly, null, actor, cancellationToken);
        var backup = await WaitAsync(() => db.BackupJobs.AsNoTracking().SingleAsync(j => j.Id == queued.Id, cancellationToken),
            j => j.Status is JobStatus.Failed or JobStatus.Cancelled || (j.Status == JobStatus.Completed && j.VerificationStatus != VerificationStatus.Pending));
        steps.Add(new($"backup:{source.Name}", backup.Status == JobStatus.Completed,
            backup.Status == JobStatus.Completed ? $"Schema-only backup {backup.Id}: {backup.FileSizeBytes} bytes." : $"Backup {backup.Id} is {backup.Status}: {backup.ErrorMessage}", clock.Lap()));
        if (backup.Status != JobStatus.Completed) return steps;
        steps.Add(new($"verify:{source.Name}", backup.VerificationStatus == VerificationStatus.Verified,
            backup.VerificationStatus == VerificationStatus.Verified ? "Every verification check passed."
                : string.Join("; ", backup.VerificationReport?.Checks.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Detail}") ?? ["still pending"]), clock.Lap()));

        // The job was queued through this context; its tracked copy still says pending.
        db.ChangeTracker.Clear();
        var scratch = $"bp_selftest_{Guid.NewGuid():N}"[..30];
        var operation = await restores.QueueAsync(new RestoreRequest(backup.Id, RestoreType.Full, [], scratch, null, false, null, true, true,
            "post-deployment self-test"), actor, cancellationToken);
        var restored = await WaitAsync(() => db.RestoreOperations.AsNoTracking().SingleAsync(r => r.Id == operation.Id, cancellationToken),
            r => r.Status is RestoreStatus.Completed or RestoreStatus.Failed or RestoreStatus.Cancelled);
        try
        {
            await DatabaseAdmin.DropDatabaseAsync(connector.For(source), scratch, CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException)
        {
            // Reported below: the restore's own outcome matters more than the clean-up.
        }
        steps.Add(new($"restore:{source.Name}", restored.Status == RestoreStatus.Completed,
            restored.Status == RestoreStatus.Completed ? $"Restored into scratch database {scratch} (dropped again)." : $"Restore {restored.Id} is {restored.Status}: {restored.ErrorMessage}",
            clock.Lap()));
        return steps;
    }

    private async Task<SelfTestStep> ChannelAsync(AlertChannel channel, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var queued = await alerts.QueueTestAsync(channel.Id, cancellationToken);
        AlertDelivery delivery;
        try
        {
            delivery = await WaitAsync(() => db.AlertDeliveries.AsNoTracking().SingleAsync(d => d.Id == queued.Id, cancellationToken),
                d => d.Status == DeliveryStatus.Sent || d.Attempts > 0, TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            return new($"alert:{channel.Name}", false, "The test message was not attempted within 30 s: is alerting enabled (Alerts__Enabled) on some instance?", clock.Lap());
        }
        return new($"alert:{channel.Name}", delivery.Status == DeliveryStatus.Sent,
            delivery.Status == DeliveryStatus.Sent ? $"Test message delivered ({delivery.History.LastOrDefault()?.Outcome})." : $"Delivery failed: {delivery.LastError} (it keeps being retried).",
            clock.Lap());
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? StepTimeout);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException("The self-test step did not finish in time.");
            await Task.Delay(250);
        }
    }
}
