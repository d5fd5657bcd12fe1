using BackupPortal.Domain.Alerts;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Alerts;

/// <summary>
/// One evaluation of every rule: a new finding fires an alert and queues one notice per channel; a finding that
/// persists only refreshes its alert (deduplicated); a finding that is gone resolves its alert and queues the
/// resolution notice. Events fire, notify and resolve at once. A transaction-level advisory lock lets one instance
/// evaluate at a time.
/// </summary>
public sealed class AlertEvaluator(CatalogDbContext db, AlertConditions conditions, ILogger<AlertEvaluator> logger)
{
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQueryRaw<bool>("select pg_try_advisory_xact_lock(hashtextextended('backupportal-alerts', 0)) as \"Value\"")
            .SingleAsync(cancellationToken);
        if (!locked) return;
        var now = DateTimeOffset.UtcNow;
        var rules = await db.AlertRules.ToListAsync(cancellationToken);
        var channels = await db.AlertChannels.Where(c => c.Enabled).Select(c => c.Id).ToListAsync(cancellationToken);
        var firing = await db.Alerts.Where(a => a.State == AlertState.Firing).ToListAsync(cancellationToken);

        foreach (var rule in rules)
        {
            var open = firing.Where(a => a.RuleId == rule.Id).ToDictionary(a => a.Key);
            if (!rule.Enabled)
            {
                foreach (var alert in open.Values) Resolve(alert, "The rule was disabled.", [], rule);
                continue;
            }
            List<Finding> findings;
            try
            {
                findings = await conditions.FindAsync(rule, now, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A rule that cannot be evaluated leaves its alerts as they are rather than resolving them.
                logger.LogError(e, "Alert rule {Rule} could not be evaluated", rule.Name);
                continue;
            }
            var targets = rule.ChannelIds.Count > 0 ? rule.ChannelIds.Intersect(channels).ToList() : channels;
            foreach (var finding in findings)
            {
                if (open.Remove(finding.Key, out var existing))
                {
                    (existing.LastSeenAt, existing.Message) = (now, finding.Message);
                    continue;
                }
                if (finding.IsEvent && await db.Alerts.AnyAsync(a => a.RuleId == rule.Id && a.Key == finding.Key, cancellationToken)) continue;
                var alert = new Alert
                {
                    RuleId = rule.Id, Kind = rule.Kind, Severity = rule.Severity, Key = finding.Key, Message = finding.Message,
                    SourceId = finding.SourceId, JobId = finding.JobId, IsEvent = finding.IsEvent, FiredAt = now, LastSeenAt = now,
                };
                if (finding.IsEvent) alert.Resolve("An event: notified once.");
                db.Alerts.Add(alert);
                Queue(alert, "firing", targets);
                logger.LogWarning("Alert {Rule}: {Message}", rule.Name, finding.Message);
            }
            foreach (var gone in open.Values) Resolve(gone, "The condition no longer holds.", targets, rule);
        }
        foreach (var orphan in firing.Where(a => rules.All(r => r.Id != a.RuleId))) Resolve(orphan, "The rule was deleted.", [], null);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private void Resolve(Alert alert, string reason, List<Guid> channels, AlertRule? rule)
    {
        alert.Resolve(reason);
        Queue(alert, "resolved", channels);
        logger.LogInformation("Alert {Rule} resolved: {Message} ({Reason})", rule?.Name ?? alert.Kind.ToString(), alert.Message, reason);
    }

    private void Queue(Alert alert, string @event, List<Guid> channels) =>
        db.AlertDeliveries.AddRange(channels.Select(c => new AlertDelivery { AlertId = alert.Id, ChannelId = c, Event = @event }));
}
