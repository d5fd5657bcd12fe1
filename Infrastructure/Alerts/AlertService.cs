using BackupPortal.Domain.Alerts;
using BackupPortal.Domain.Common;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Alerts;

public sealed record RuleInput(
    string Name, AlertKind Kind, AlertSeverity Severity, bool Enabled, Guid? SourceId, double? Threshold, long? MinFreeBytes, long? QuotaBytes,
    List<Guid> ChannelIds);

/// <summary>What a client may set on a channel. Null secret or SMTP password keeps the stored one.</summary>
public sealed record ChannelInput(
    string Name, ChannelType Type, bool Enabled, string? Url, string? Secret, bool SlackCompatible, List<string> To, string? From,
    string? SmtpHost, int? SmtpPort, string? SmtpSecurity, string? SmtpUsername, string? SmtpPassword);

public sealed class AlertService(CatalogDbContext db, SecretProtector secrets)
{
    /// <summary>The seed's alert conditions, seeded once into an empty catalog; edit or disable them like any rule.</summary>
    public static readonly (string Name, AlertKind Kind, AlertSeverity Severity, double? Threshold, long? QuotaBytes)[] Defaults =
    [
        ("Backups failing", AlertKind.BackupFailures, AlertSeverity.Critical, 3, null),
        ("Storage space running low", AlertKind.StorageLow, AlertSeverity.Critical, 10, null),
        ("Verification failed", AlertKind.VerificationFailed, AlertSeverity.Critical, null, null),
        ("Restore finished", AlertKind.RestoreCompleted, AlertSeverity.Info, null, null),
        ("No verified backup for 26 hours", AlertKind.StaleProtection, AlertSeverity.Warning, 26, null),
        ("Recovery point older than 15 minutes", AlertKind.RecoveryPointStale, AlertSeverity.Warning, 15, null),
        ("Job running for over 6 hours", AlertKind.JobStuck, AlertSeverity.Warning, 360, null),
        ("Worker lost", AlertKind.WorkerLost, AlertSeverity.Warning, null, null),
        ("Gap in the WAL archive", AlertKind.WalGap, AlertSeverity.Critical, null, null),
        ("Replication slot holding back over 8 GiB", AlertKind.SlotRetention, AlertSeverity.Warning, null, 8L << 30),
        ("Backup copy missing from a location", AlertKind.CopyDegraded, AlertSeverity.Warning, null, null),
        ("Restore drill failed", AlertKind.DrillFailed, AlertSeverity.Critical, null, null),
    ];

    /// <summary>Adds each default rule whose kind has no rule yet, so an upgraded catalog gains the new kinds too.</summary>
    public async Task SeedDefaultsAsync(CancellationToken cancellationToken)
    {
        var present = await db.AlertRules.Select(r => r.Kind).Distinct().ToListAsync(cancellationToken);
        db.AlertRules.AddRange(Defaults.Where(d => !present.Contains(d.Kind))
            .Select(d => new AlertRule { Name = d.Name, Kind = d.Kind, Severity = d.Severity, Threshold = d.Threshold, QuotaBytes = d.QuotaBytes }));
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<List<AlertRule>> RulesAsync(CancellationToken cancellationToken) => db.AlertRules.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken);

    public async Task<AlertRule> RuleAsync(Guid id, CancellationToken cancellationToken) =>
        await db.AlertRules.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Alert rule", id);

    public async Task<AlertRule> SaveRuleAsync(Guid? id, RuleInput input, CancellationToken cancellationToken)
    {
        var rule = id is { } existing ? await RuleAsync(existing, cancellationToken) : new AlertRule { Name = input.Name };
        if (input.SourceId is { } source && !await db.Sources.AnyAsync(s => s.Id == source, cancellationToken))
            throw new DomainException($"No source with id {source}.", "sourceId", 404);
        var unknown = input.ChannelIds.Except(await db.AlertChannels.Select(c => c.Id).ToListAsync(cancellationToken)).ToList();
        if (unknown.Count > 0) throw new DomainException($"No alert channel with id {string.Join(", ", unknown)}.", "channelIds", 404);
        if (input.Kind == AlertKind.StorageLow && input.Threshold is null && input.MinFreeBytes is null && input.QuotaBytes is null)
            throw new DomainException("A storage rule needs threshold (percent free), minFreeBytes or quotaBytes.", "threshold");
        if (input.Kind == AlertKind.SlotRetention && input.QuotaBytes is null)
            throw new DomainException("A slot rule needs quotaBytes: the WAL a slot may hold back on the source.", "quotaBytes");
        (rule.Name, rule.Kind, rule.Severity, rule.Enabled, rule.SourceId, rule.Threshold, rule.MinFreeBytes, rule.QuotaBytes, rule.ChannelIds) =
            (input.Name, input.Kind, input.Severity, input.Enabled, input.SourceId, input.Threshold, input.MinFreeBytes, input.QuotaBytes, [.. input.ChannelIds.Distinct()]);
        if (id is null) db.AlertRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    /// <summary>Deleting a rule takes its alert history with it; disable it instead to keep the history.</summary>
    public async Task DeleteRuleAsync(Guid id, CancellationToken cancellationToken)
    {
        db.AlertRules.Remove(await RuleAsync(id, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
    }

    public Task<List<AlertChannel>> ChannelsAsync(CancellationToken cancellationToken) => db.AlertChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);

    public async Task<AlertChannel> ChannelAsync(Guid id, CancellationToken cancellationToken) =>
        await db.AlertChannels.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Alert channel", id);

    public async Task<AlertChannel> SaveChannelAsync(Guid? id, ChannelInput input, CancellationToken cancellationToken)
    {
        var channel = id is { } existing ? await ChannelAsync(existing, cancellationToken) : new AlertChannel { Name = input.Name };
        if (await db.AlertChannels.AnyAsync(c => c.Name == input.Name && c.Id != channel.Id, cancellationToken))
            throw new ConflictException($"An alert channel named '{input.Name}' already exists.", "name");
        (channel.Name, channel.Type, channel.Enabled, channel.Url, channel.SlackCompatible, channel.To, channel.From) =
            (input.Name, input.Type, input.Enabled, input.Url, input.SlackCompatible, input.To, input.From);
        (channel.SmtpHost, channel.SmtpPort, channel.SmtpSecurity, channel.SmtpUsername) = (input.SmtpHost, input.SmtpPort, input.SmtpSecurity, input.SmtpUsername);
        if (input.Secret is not null) channel.SecretEncrypted = secrets.Protect(input.Secret);
        if (input.SmtpPassword is not null) channel.SmtpPasswordEncrypted = secrets.Protect(input.SmtpPassword);
        if (id is null) db.AlertChannels.Add(channel);
        await db.SaveChangesAsync(cancellationToken);
        return channel;
    }

    /// <summary>Deleting a channel drops its undelivered notices with it.</summary>
    public async Task DeleteChannelAsync(Guid id, CancellationToken cancellationToken)
    {
        db.AlertChannels.Remove(await ChannelAsync(id, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<AlertDelivery> QueueTestAsync(Guid channelId, CancellationToken cancellationToken)
    {
        await ChannelAsync(channelId, cancellationToken);
        var delivery = new AlertDelivery { ChannelId = channelId, Event = "test" };
        db.AlertDeliveries.Add(delivery);
        await db.SaveChangesAsync(cancellationToken);
        return delivery;
    }

    public Task<List<AlertDelivery>> DeliveriesAsync(Guid? alertId, Guid? channelId, CancellationToken cancellationToken) =>
        db.AlertDeliveries.AsNoTracking().Where(d => (alertId == null || d.AlertId == alertId) && (channelId == null || d.ChannelId == channelId))
            .OrderByDescending(d => d.CreatedAt).Take(200).ToListAsync(cancellationToken);

    public async Task<List<Alert>> AlertsAsync(AlertState? state, Guid? sourceId, int page, int pageSize, CancellationToken cancellationToken) =>
        await db.Alerts.AsNoTracking().Where(a => (state == null || a.State == state) && (sourceId == null || a.SourceId == sourceId))
            .OrderByDescending(a => a.FiredAt).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);

    public async Task<Alert> AcknowledgeAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var alert = await db.Alerts.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Alert", id);
        if (alert.AcknowledgedAt is null) (alert.AcknowledgedAt, alert.AcknowledgedBy) = (DateTimeOffset.UtcNow, actor);
        await db.SaveChangesAsync(cancellationToken);
        return alert;
    }
}
