using BackupPortal.Domain.Alerts;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Pitr;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Alerts;

/// <summary>A condition that holds now (or an event that happened), named by a key that is stable while it lasts.</summary>
public sealed record Finding(string Key, string Message, Guid? SourceId = null, Guid? JobId = null, bool IsEvent = false);

/// <summary>What each kind of rule sees in the catalog, the storage and the WAL archive right now.</summary>
public sealed class AlertConditions(
    CatalogDbContext db, NpgsqlDataSource catalog, StorageUsage usage, WalArchive archive, Sources.SourceConnector connector)
{
    /// <summary>Events older than this are not raised, so a new rule does not replay history.</summary>
    private static readonly TimeSpan EventHorizon = TimeSpan.FromHours(24);

    public async Task<List<Finding>> FindAsync(AlertRule rule, DateTimeOffset now, CancellationToken cancellationToken) => rule.Kind switch
    {
        AlertKind.BackupFailures => await QueryAsync(rule, """
            with ranked as (
                select j.source_id, coalesce(j.schedule_id::text, 'manual') as grp, j.status, j.error_message, s.name, sc.name as schedule,
                       row_number() over (partition by j.source_id, coalesce(j.schedule_id::text, 'manual') order by j.created_at desc) as n
                from backup_jobs j join sources s on s.id = j.source_id left join backup_schedules sc on sc.id = j.schedule_id
                where j.status in ('completed', 'failed') and j.trigger not in ('safety', 'prerequisite') and (@source::uuid is null or j.source_id = @source))
            select source_id::text || ':' || grp, max(name) || ': the last ' || @n || ' backups' || coalesce(' of schedule "' || max(schedule) || '"', ' (manual)')
                   || ' failed; last error: ' || coalesce(max(error_message) filter (where n = 1), 'none'), source_id, null::uuid
            from ranked where n <= @n group by source_id, grp having count(*) = @n and bool_and(status = 'failed')
            """, (int)(rule.Threshold ?? 3), now, cancellationToken),
        AlertKind.VerificationFailed => await QueryAsync(rule, """
            select j.id::text, s.name || ': verification of ' || j.backup_type || ' backup ' || j.id || ' failed: '
                   || coalesce((select string_agg(coalesce(c->>'Name', c->>'name') || ' — ' || coalesce(c->>'Detail', c->>'detail'), '; ')
                                from jsonb_array_elements(coalesce(j.verification_report->'Checks', j.verification_report->'checks')) c
                                where coalesce(c->>'Passed', c->>'passed')::boolean = false), 'see its report'), j.source_id, j.id
            from backup_jobs j join sources s on s.id = j.source_id
            where j.status = 'completed' and j.verification_status = 'failed' and (@source::uuid is null or j.source_id = @source)
            """, 0, now, cancellationToken),
        AlertKind.RestoreCompleted => Events(await QueryAsync(rule, """
            select r.id::text, 'Restore ' || r.id || ' of ' || s.name || ' into ' || r.target_database || ' ' || r.status
                   || coalesce(': ' || r.error_message, '') || ' (asked by ' || r.requested_by || ': ' || r.reason || ')', r.target_source_id, r.id
            from restore_operations r join sources s on s.id = r.target_source_id
            where r.status in ('completed', 'failed') and r.completed_at > @since and (@source::uuid is null or r.target_source_id = @source)
            """, 0, now, cancellationToken)),
        AlertKind.WorkerLost => Events(await QueryAsync(rule, """
            select j.id::text, s.name || ': ' || j.error_message, j.source_id, j.id
            from backup_jobs j join sources s on s.id = j.source_id
            where j.status = 'failed' and j.error_message like 'worker lost:%' and j.completed_at > @since and (@source::uuid is null or j.source_id = @source)
            union all
            select r.id::text, 'Restore into ' || r.target_database || ': ' || r.error_message, r.target_source_id, r.id
            from restore_operations r
            where r.status = 'failed' and r.error_message like 'worker lost:%' and r.completed_at > @since and (@source::uuid is null or r.target_source_id = @source)
            """, 0, now, cancellationToken)),
        AlertKind.JobStuck => await QueryAsync(rule, """
            select j.id::text, s.name || ': ' || j.backup_type || ' backup ' || j.id || ' has run for ' || round(extract(epoch from now() - j.started_at) / 60) || ' minutes',
                   j.source_id, j.id
            from backup_jobs j join sources s on s.id = j.source_id
            where j.status = 'running' and j.started_at < now() - make_interval(mins => @n) and (@source::uuid is null or j.source_id = @source)
            union all
            select r.id::text, 'Restore ' || r.id || ' into ' || r.target_database || ' has run for ' || round(extract(epoch from now() - r.started_at) / 60) || ' minutes',
                   r.target_source_id, r.id
            from restore_operations r
            where r.status = 'running' and r.started_at < now() - make_interval(mins => @n) and (@source::uuid is null or r.target_source_id = @source)
            """, (int)(rule.Threshold ?? 360), now, cancellationToken),
        AlertKind.StaleProtection => await QueryAsync(rule, """
            select s.id::text, s.name || ': no verified full or base backup ' ||
                   coalesce('since ' || to_char(max(j.completed_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), 'yet') || ' (limit ' || @n || ' hours)', s.id, null::uuid
            from sources s left join backup_jobs j on j.source_id = s.id and j.status = 'completed' and j.verification_status = 'verified' and j.backup_type in ('full', 'base')
            where s.enabled and s.created_at < now() - make_interval(hours => @n) and (@source::uuid is null or s.id = @source)
            group by s.id, s.name having coalesce(max(j.completed_at), '-infinity') < now() - make_interval(hours => @n)
            """, (int)(rule.Threshold ?? 26), now, cancellationToken),
        AlertKind.RecoveryPointStale => await RecoveryPointsAsync(rule, now, cancellationToken),
        AlertKind.WalGap => await GapsAsync(rule, cancellationToken),
        AlertKind.SlotRetention => await SlotsAsync(rule, cancellationToken),
        AlertKind.StorageLow => Storage(rule, await usage.LocationsAsync(cancellationToken)),
        AlertKind.CopyDegraded => await QueryAsync(rule, """
            select j.id::text, s.name || ': ' || j.backup_type || ' backup ' || j.id || ' has no copy in '
                   || string_agg(l.name || ' (' || coalesce(c.error, 'failed') || ')', ', ' order by c.position), j.source_id, j.id
            from backup_jobs j join sources s on s.id = j.source_id
                 join backup_copies c on c.backup_job_id = j.id and c.status = 'failed' join storage_locations l on l.id = c.location_id
            where j.status = 'completed' and j.copy_status = 'degraded' and (@source::uuid is null or j.source_id = @source)
            group by j.id, s.name, j.backup_type, j.source_id
            union all
            -- WAL archived in the last day (since the policy last changed) that is missing from a location of the policy.
            select s.id::text || ':wal:' || l.id, s.name || ': ' || count(*) || ' WAL files archived since '
                   || to_char(min(w.archived_at) at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC have no copy in ' || l.name, s.id, null::uuid
            from sources s cross join lateral unnest(s.storage_location_ids) p(location_id)
                 join storage_locations l on l.id = p.location_id
                 join wal_segments w on w.source_id = s.id and w.archived_at > greatest(now() - interval '24 hours', s.updated_at)
                                    and not coalesce(w.location_ids, '{}') @> array[l.id]
            where @source::uuid is null or s.id = @source
            group by s.id, s.name, l.id, l.name
            """, 0, now, cancellationToken),
        AlertKind.DrillFailed => await QueryAsync(rule, """
            select id::text, name || ': restore drill ' || id || ' failed: ' || coalesce(error_message, failures, 'see the drill'), source_id, id
            from (select distinct on (d.source_id) d.id, d.source_id, d.status, d.error_message, s.name,
                         (select string_agg(coalesce(c->>'Name', c->>'name') || ' — ' || coalesce(c->>'Detail', c->>'detail'), '; ')
                          from jsonb_array_elements(d.checks) c where coalesce(c->>'Passed', c->>'passed')::boolean = false) as failures
                  from restore_drills d join sources s on s.id = d.source_id
                  where d.status in ('passed', 'failed') and (@source::uuid is null or d.source_id = @source)
                  order by d.source_id, d.completed_at desc) latest
            where status = 'failed'
            """, 0, now, cancellationToken),
        _ => [],
    };

    private static List<Finding> Events(List<Finding> findings) => [.. findings.Select(f => f with { IsEvent = true })];

    /// <summary>Each location on its own: free space where the location reports it (a directory), the quota against what the catalog says it holds.</summary>
    private static List<Finding> Storage(AlertRule rule, List<LocationState> locations)
    {
        var findings = new List<Finding>();
        foreach (var (location, _, used, space) in locations)
        {
            var name = location.Name;
            if (space is not null && rule.MinFreeBytes is { } minimum && space.FreeBytes < minimum)
                findings.Add(new($"{name}:free-bytes", $"Storage '{name}' has {space.FreeBytes:N0} bytes free, below the {minimum:N0} set."));
            if (space is not null && rule.Threshold is { } percent && space.FreePercent < percent)
                findings.Add(new($"{name}:free-percent", $"Storage '{name}' is {space.FreePercent}% free, below the {percent}% set."));
            if (rule.QuotaBytes is { } quota && used > quota)
                findings.Add(new($"{name}:quota", $"Backups in storage '{name}' take {used:N0} bytes, over the quota of {quota:N0}."));
        }
        return findings;
    }

    private async Task<List<Finding>> RecoveryPointsAsync(AlertRule rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = TimeSpan.FromMinutes(rule.Threshold ?? 15);
        var findings = new List<Finding>();
        foreach (var source in await PitrSourcesAsync(rule, cancellationToken))
        {
            var latest = await archive.LatestAsync(source, cancellationToken);
            if (latest is null || now - latest > limit)
                findings.Add(new(source.Id.ToString(), $"{source.Name}: the newest recovery point is {(latest is null ? "missing (no base backup yet)" : $"{(now - latest.Value).TotalMinutes:F0} minutes old")}"
                    + $" (limit {limit.TotalMinutes:F0}){(source.WalReceiverError is { } error ? $"; WAL receiver: {error}" : "")}", source.Id));
        }
        return findings;
    }

    private async Task<List<Finding>> GapsAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        foreach (var source in await PitrSourcesAsync(rule, cancellationToken))
            if ((await archive.WindowAsync(source, cancellationToken)).Gaps is { Count: > 0 } gaps)
                findings.Add(new(source.Id.ToString(), $"{source.Name}: {string.Join(" ", gaps.Select(g => g.Reason))}", source.Id));
        return findings;
    }

    private async Task<List<Finding>> SlotsAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        // Disabled sources too: their receiver stops, but the slot stays and keeps WAL on the source.
        foreach (var source in await PitrSourcesAsync(rule, cancellationToken, includeDisabled: true))
        {
            try
            {
                await using var connection = await connector.For(source).OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(
                    "select pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint from pg_replication_slots where slot_name = @slot", connection);
                command.Parameters.AddWithValue("slot", source.SlotName);
                if (await command.ExecuteScalarAsync(cancellationToken) is long retained && retained > rule.QuotaBytes)
                    findings.Add(new(source.Id.ToString(), $"{source.Name}: slot {source.SlotName} holds back {retained:N0} bytes of WAL on the source (limit {rule.QuotaBytes:N0}).", source.Id));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                // An unreachable source shows in the stale-recovery-point rule; here it is neither fine nor over the limit.
            }
        }
        return findings;
    }

    private Task<List<Domain.Sources.Source>> PitrSourcesAsync(AlertRule rule, CancellationToken cancellationToken, bool includeDisabled = false) =>
        db.Sources.AsNoTracking().Where(s => s.PointInTimeRecovery && (s.Enabled || includeDisabled) && (rule.SourceId == null || s.Id == rule.SourceId))
            .ToListAsync(cancellationToken);

    private async Task<List<Finding>> QueryAsync(AlertRule rule, string sql, int n, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await catalog.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("source", NpgsqlTypes.NpgsqlDbType.Uuid, (object?)rule.SourceId ?? DBNull.Value);
        command.Parameters.AddWithValue("n", n);
        var since = rule.CreatedAt > now - EventHorizon ? rule.CreatedAt : now - EventHorizon;
        command.Parameters.AddWithValue("since", since);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var findings = new List<Finding>();
        while (await reader.ReadAsync(cancellationToken))
            findings.Add(new(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetGuid(3)));
        return findings;
    }
}
