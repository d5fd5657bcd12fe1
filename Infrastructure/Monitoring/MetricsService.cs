using BackupPortal.Domain.Common;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Pitr;
using BackupPortal.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Monitoring;

public sealed record StatusCount(string Status, long Count, double Percentage);
public sealed record TypeCount(string BackupType, long Count, long Completed, long Failed);
public sealed record StorageByType(string BackupType, long BackupCount, long TotalSizeBytes, long AvgSizeBytes);
public sealed record StorageBySource(Guid SourceId, string Name, long BackupCount, long TotalSizeBytes);
public sealed record StorageByLocation(string Name, long UsedBytes, long? FreeBytes);
public sealed record DurationStats(long Count, double? AverageSeconds, double? P95Seconds);
public sealed record VerificationCounts(long Verified, long Failed, long Pending);
public sealed record BackupAt(Guid Id, string BackupType, DateTimeOffset At, double AgeSeconds);
public sealed record SourceHealth(
    Guid SourceId, string Name, bool Enabled, bool PointInTimeRecovery, BackupAt? LastSuccessful, BackupAt? LastVerified,
    DateTimeOffset? RecoveryPoint, double? RecoveryPointAgeSeconds, DateTimeOffset? LastProvenRestorableAt, double? LastRtoSeconds);
public sealed record RunningJob(Guid Id, string Kind, Guid SourceId, string Type, DateTimeOffset? StartedAt, long ProgressBytes, long? EstimatedBytes, double? Percent);

public sealed record MetricsSummary(
    string Window, DateTimeOffset From, DateTimeOffset To, double? SuccessRate, List<StatusCount> ByStatus, List<TypeCount> ByType,
    List<StorageByType> StorageByType, List<StorageBySource> StorageBySource, List<StorageByLocation> Locations, DurationStats Duration,
    VerificationCounts Verification, List<SourceHealth> Sources, List<RunningJob> Running);

public sealed record TimePoint(DateTimeOffset At, Dictionary<string, double> Values);
public sealed record TimeSeries(string Metric, string Bucket, DateTimeOffset From, DateTimeOffset To, List<TimePoint> Points);

/// <summary>
/// What the dashboard reads, computed from the catalog: the seed's success-rate and storage queries as API, durations,
/// per-source protection (last good, last verified, recovery point), and series for charts.
/// </summary>
public sealed class MetricsService(CatalogDbContext db, NpgsqlDataSource catalog, StorageUsage usage, WalArchive archive, Drills.DrillService drills)
{
    public static readonly Dictionary<string, TimeSpan> Windows = new() { ["24h"] = TimeSpan.FromHours(24), ["7d"] = TimeSpan.FromDays(7), ["30d"] = TimeSpan.FromDays(30) };
    public static readonly string[] SeriesMetrics = ["jobs_by_status", "storage_bytes", "duration_seconds"];
    public static readonly string[] Buckets = ["hour", "day"];

    public async Task<MetricsSummary> SummaryAsync(Guid? sourceId, string window, CancellationToken cancellationToken)
    {
        var to = DateTimeOffset.UtcNow;
        var from = to - Windows[window];
        await using var connection = await catalog.OpenConnectionAsync(cancellationToken);
        var filter = sourceId is null ? "" : " and source_id = @source";

        var byStatus = await QueryAsync(connection, $"""
            select status, count(*), round(count(*) * 100.0 / sum(count(*)) over (), 2)::float8
            from backup_jobs where created_at > @from{filter} group by status order by status
            """, sourceId, from, r => new StatusCount(r.GetString(0), r.GetInt64(1), r.GetDouble(2)), cancellationToken);
        var byType = await QueryAsync(connection, $"""
            select backup_type, count(*), count(*) filter (where status in ('completed', 'expired')), count(*) filter (where status = 'failed')
            from backup_jobs where created_at > @from{filter} group by backup_type order by backup_type
            """, sourceId, from, r => new TypeCount(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);
        var finished = byType.Sum(t => t.Completed + t.Failed);
        double? successRate = finished == 0 ? null : Math.Round(100.0 * byType.Sum(t => t.Completed) / finished, 2);

        var storageByType = await QueryAsync(connection, $"""
            select backup_type, count(*), coalesce(sum(file_size_bytes), 0)::bigint, coalesce(avg(file_size_bytes), 0)::bigint
            from backup_jobs where status = 'completed'{filter} group by backup_type
            union all
            select 'wal', count(*), coalesce(sum(file_size_bytes), 0)::bigint, coalesce(avg(file_size_bytes), 0)::bigint
            from wal_segments where true{filter} having count(*) > 0
            order by 1
            """, sourceId, from, r => new StorageByType(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);
        var storageBySource = await QueryAsync(connection, $"""
            select s.id, s.name, count(j.id), coalesce(sum(j.file_size_bytes), 0)::bigint
                 + coalesce((select sum(w.file_size_bytes) from wal_segments w where w.source_id = s.id), 0)::bigint
            from sources s left join backup_jobs j on j.source_id = s.id and j.status = 'completed'
            where true{filter.Replace("source_id", "s.id")} group by s.id, s.name order by s.name
            """, sourceId, from, r => new StorageBySource(r.GetGuid(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken);

        var duration = (await QueryAsync(connection, $"""
            select count(*), avg(extract(epoch from completed_at - started_at))::float8,
                   percentile_cont(0.95) within group (order by extract(epoch from completed_at - started_at))::float8
            from backup_jobs where status in ('completed', 'expired') and started_at is not null and created_at > @from{filter}
            """, sourceId, from, r => new DurationStats(r.GetInt64(0), r.IsDBNull(1) ? null : Math.Round(r.GetDouble(1), 3),
                r.IsDBNull(2) ? null : Math.Round(r.GetDouble(2), 3)), cancellationToken)).Single();
        var verification = (await QueryAsync(connection, $"""
            select count(*) filter (where verification_status = 'verified'), count(*) filter (where verification_status = 'failed'),
                   count(*) filter (where verification_status = 'pending')
            from backup_jobs where status = 'completed' and created_at > @from{filter}
            """, sourceId, from, r => new VerificationCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)), cancellationToken)).Single();
        var running = await RunningAsync(connection, sourceId, cancellationToken);

        return new MetricsSummary(window, from, to, successRate, byStatus, byType, storageByType, storageBySource,
            [.. (await usage.LocationsAsync(cancellationToken)).Select(l => new StorageByLocation(l.Location.Name, l.UsedBytes, l.Space?.FreeBytes))],
            duration, verification, await SourcesAsync(sourceId, to, cancellationToken), running);
    }

    /// <summary>Backups and restores running now, with progress: what the dashboard refreshes every few seconds.</summary>
    public async Task<List<RunningJob>> RunningAsync(Guid? sourceId, CancellationToken cancellationToken)
    {
        await using var connection = await catalog.OpenConnectionAsync(cancellationToken);
        return await RunningAsync(connection, sourceId, cancellationToken);
    }

    private static Task<List<RunningJob>> RunningAsync(NpgsqlConnection connection, Guid? sourceId, CancellationToken cancellationToken)
    {
        var filter = sourceId is null ? "" : " and source_id = @source";
        return QueryAsync(connection, $"""
            select id, 'backup', source_id, backup_type, started_at, coalesce(progress_bytes, 0), estimated_bytes
            from backup_jobs where status = 'running'{filter}
            union all
            select r.id, 'restore', r.target_source_id, r.restore_type, r.started_at, coalesce(r.progress_bytes, 0), null
            from restore_operations r where r.status = 'running'{filter.Replace("source_id", "r.target_source_id")}
            order by 5
            """, sourceId, DateTimeOffset.UtcNow, r => new RunningJob(r.GetGuid(0), r.GetString(1), r.GetGuid(2), r.GetString(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6),
                r.IsDBNull(6) || r.GetInt64(6) == 0 ? null : Math.Round(Math.Min(99, 100.0 * r.GetInt64(5) / r.GetInt64(6)), 1)), cancellationToken);
    }

    /// <summary>Per source: the newest completed and newest verified backup, and the newest point it can be restored to.</summary>
    public async Task<List<SourceHealth>> SourcesAsync(Guid? sourceId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sources = await db.Sources.AsNoTracking().Where(s => sourceId == null || s.Id == sourceId).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var health = new List<SourceHealth>();
        var proven = await drills.ProvenAsync(cancellationToken);
        foreach (var source in sources)
        {
            var done = db.BackupJobs.AsNoTracking().Where(j => j.SourceId == source.Id && j.Status == Domain.Backups.JobStatus.Completed);
            var last = await done.OrderByDescending(j => j.CompletedAt).FirstOrDefaultAsync(cancellationToken);
            var verified = await done.Where(j => j.VerificationStatus == Domain.Backups.VerificationStatus.Verified)
                .OrderByDescending(j => j.CompletedAt).FirstOrDefaultAsync(cancellationToken);
            // A logical backup holds the database as of its snapshot, taken when it started.
            var recoveryPoint = source.PointInTimeRecovery ? await archive.LatestAsync(source, cancellationToken) : last?.StartedAt;
            health.Add(new SourceHealth(source.Id, source.Name, source.Enabled, source.PointInTimeRecovery, At(last, now), At(verified, now),
                recoveryPoint, recoveryPoint is { } point ? Math.Round((now - point).TotalSeconds, 1) : null,
                proven.GetValueOrDefault(source.Id)?.At, proven.GetValueOrDefault(source.Id)?.RtoSeconds));
        }
        return health;
    }

    public async Task<TimeSeries> SeriesAsync(string metric, Guid? sourceId, DateTimeOffset from, DateTimeOffset to, string bucket, CancellationToken cancellationToken)
    {
        if (to <= from) throw new DomainException("to must be later than from.", "to");
        if ((to - from) / (bucket == "hour" ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1)) > 2000)
            throw new DomainException($"That range holds more than 2000 {bucket}s; choose a larger bucket or a shorter range.", "bucket");
        await using var connection = await catalog.OpenConnectionAsync(cancellationToken);
        var filter = sourceId is null ? "" : " and source_id = @source";
        var sql = metric switch
        {
            "jobs_by_status" => $"""
                select date_trunc('{bucket}', created_at at time zone 'UTC'), status, count(*)::float8
                from backup_jobs where created_at >= @from and created_at < @to{filter} group by 1, 2 order by 1, 2
                """,
            "duration_seconds" => $"""
                select date_trunc('{bucket}', completed_at at time zone 'UTC'), backup_type, avg(extract(epoch from completed_at - started_at))::float8
                from backup_jobs where status in ('completed', 'expired') and started_at is not null and completed_at >= @from and completed_at < @to{filter}
                group by 1, 2 order by 1, 2
                """,
            // Storage growth: the last sample of each bucket, per type; samples are per location, not per source.
            _ => """
                select distinct on (1, 2) date_trunc(@bucket, sampled_at at time zone 'UTC'), backup_type, used_bytes::float8
                from storage_samples where sampled_at >= @from and sampled_at < @to order by 1, 2, sampled_at desc
                """,
        };
        var rows = await QueryAsync(connection, sql.Replace("@bucket", $"'{bucket}'"), sourceId, from,
            r => (At: new DateTimeOffset(r.GetDateTime(0), TimeSpan.Zero), Key: r.GetString(1), Value: Math.Round(r.GetDouble(2), 3)), cancellationToken, to);
        var points = rows.GroupBy(r => r.At).Select(g => new TimePoint(g.Key, g.ToDictionary(r => r.Key, r => r.Value))).ToList();
        return new TimeSeries(metric, bucket, from, to, points);
    }

    private static BackupAt? At(Domain.Backups.BackupJob? job, DateTimeOffset now) => job?.CompletedAt is { } at
        ? new BackupAt(job.Id, System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(job.BackupType.ToString()), at, Math.Round((now - at).TotalSeconds, 1))
        : null;

    private static async Task<List<T>> QueryAsync<T>(
        NpgsqlConnection connection, string sql, Guid? sourceId, DateTimeOffset from, Func<NpgsqlDataReader, T> map,
        CancellationToken cancellationToken, DateTimeOffset? to = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to ?? DateTimeOffset.UtcNow);
        if (sourceId is { } id) command.Parameters.AddWithValue("source", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(map(reader));
        return rows;
    }
}
