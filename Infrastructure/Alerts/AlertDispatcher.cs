using BackupPortal.Domain.Alerts;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Alerts;

/// <summary>
/// Delivers the outbox. Due notices are claimed with <c>FOR UPDATE SKIP LOCKED</c> (their next attempt is pushed out
/// while they are being sent, so no other instance takes them); a failure is recorded and retried with a doubling
/// backoff, without end: an alert is never dropped because its receiver was down for a while.
/// </summary>
public sealed class AlertDispatcher(
    CatalogDbContext db, AlertSenders senders, IOptions<AlertOptions> options, IConfiguration configuration, ILogger<AlertDispatcher> logger)
{
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await db.Database.SqlQueryRaw<Guid>("""
            update alert_deliveries set next_attempt_at = now() + interval '2 minutes'
            where id in (select id from alert_deliveries where status = 'pending' and next_attempt_at <= now()
                         order by next_attempt_at for update skip locked limit 20)
            returning id as "Value"
            """).ToListAsync(cancellationToken);
        foreach (var id in claimed) await DeliverAsync(id, cancellationToken);
        return claimed.Count;
    }

    private async Task DeliverAsync(Guid id, CancellationToken cancellationToken)
    {
        var delivery = await db.AlertDeliveries.SingleAsync(d => d.Id == id, cancellationToken);
        var channel = await db.AlertChannels.AsNoTracking().SingleAsync(c => c.Id == delivery.ChannelId, cancellationToken);
        var notice = await NoticeAsync(delivery, channel, cancellationToken);
        var at = DateTimeOffset.UtcNow;
        delivery.Attempts++;
        try
        {
            var outcome = await senders.SendAsync(channel, notice, cancellationToken);
            (delivery.Status, delivery.SentAt, delivery.LastError) = (DeliveryStatus.Sent, at, null);
            delivery.History = [.. delivery.History, new DeliveryAttempt(at, true, outcome)];
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var wait = TimeSpan.FromTicks(Math.Min(options.Value.RetryBase.Ticks << Math.Min(delivery.Attempts - 1, 20), options.Value.RetryMax.Ticks));
            (delivery.NextAttemptAt, delivery.LastError) = (at + wait, e.Message);
            delivery.History = [.. delivery.History, new DeliveryAttempt(at, false, e.Message)];
            logger.LogWarning("Alert notice to channel {Channel} failed (attempt {Attempt}): {Error}; next try in {Seconds} s",
                channel.Name, delivery.Attempts, e.Message, wait.TotalSeconds);
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task<AlertNotice> NoticeAsync(AlertDelivery delivery, AlertChannel channel, CancellationToken cancellationToken)
    {
        if (delivery.AlertId is not { } alertId) return AlertNotice.Test(channel);
        var alert = await db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alertId, cancellationToken);
        var rule = await db.AlertRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == alert.RuleId, cancellationToken);
        var source = alert.SourceId is { } sourceId ? await db.Sources.AsNoTracking().Where(s => s.Id == sourceId).Select(s => s.Name).SingleOrDefaultAsync(cancellationToken) : null;
        return AlertNotice.For(delivery.Event, alert, rule, source, configuration["BACKUPPORTAL_PORTAL_URL"]);
    }
}
