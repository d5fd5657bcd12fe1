using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Prometheus;

namespace BackupPortal.Infrastructure.Monitoring;

/// <summary>
/// The <c>/metrics</c> exposition, refreshed from the catalog at each scrape: every instance shows the same numbers,
/// whichever of them ran the jobs. Counters are catalog totals (a completed backup that retention later expired still
/// counts as completed); the duration histogram is built from every finished backup's duration.
/// </summary>
public sealed class PrometheusMetrics
{
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<PrometheusMetrics> _logger;
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Gauge _lastSuccess, _size, _storageUsed, _storageFree, _recoveryPointAge;
    private readonly Counter _jobs, _restores, _verificationFailures;
    private readonly Histogram _duration;
    /// <summary>Backups observed within the margin, by completion time; older ones can no longer come back and are forgotten.</summary>
    private readonly Dictionary<Guid, DateTimeOffset> _observed = [];
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private DateTimeOffset _watermark = DateTimeOffset.MinValue;

    public PrometheusMetrics(IServiceScopeFactory scopes, ILogger<PrometheusMetrics> logger)
    {
        _scopes = scopes;
        _logger = logger;
        var metrics = Metrics.WithCustomRegistry(_registry);
        _lastSuccess = metrics.CreateGauge("backupportal_backup_last_success_timestamp_seconds", "When the newest completed backup of a source and type finished (Unix time).", "source", "type");
        _size = metrics.CreateGauge("backupportal_backup_size_bytes", "Stored size of the newest completed backup of a source and type.", "source", "type");
        _storageUsed = metrics.CreateGauge("backupportal_storage_used_bytes", "Bytes stored per location and backup type (wal: the WAL archive).", "location", "type");
        _storageFree = metrics.CreateGauge("backupportal_storage_free_bytes", "Free space at a storage location.", "location");
        _recoveryPointAge = metrics.CreateGauge("backupportal_recovery_point_age_seconds", "Age of the newest point a source can be restored to.", "source");
        _jobs = metrics.CreateCounter("backupportal_jobs_total", "Backup jobs by outcome and type.", "status", "type");
        _restores = metrics.CreateCounter("backupportal_restores_total", "Restores by outcome and type.", "status", "type");
        _verificationFailures = metrics.CreateCounter("backupportal_verification_failures_total", "Backups whose verification failed.");
        _duration = metrics.CreateHistogram("backupportal_backup_duration_seconds", "Duration of finished backups.",
            new HistogramConfiguration { LabelNames = ["type"], Buckets = Histogram.ExponentialBuckets(0.5, 2, 16) });
        _registry.AddBeforeCollectCallback(RefreshAsync);
    }

    public Task WriteAsync(Stream output, CancellationToken cancellationToken) => _registry.CollectAndExportAsTextAsync(output, cancellationToken);

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            using var scope = _scopes.CreateScope();
            var services = scope.ServiceProvider;
            await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);

            foreach (var (status, type, count) in await RowsAsync(connection, """
                select case when status = 'expired' then 'completed' else status end, backup_type, count(*)::float8
                from backup_jobs where status in ('completed', 'expired', 'failed', 'cancelled') group by 1, 2
                """, cancellationToken))
                _jobs.WithLabels(status, type).IncTo(count);
            foreach (var (status, type, count) in await RowsAsync(connection,
                "select status, restore_type, count(*)::float8 from restore_operations where status in ('completed', 'failed', 'cancelled') group by 1, 2", cancellationToken))
                _restores.WithLabels(status, type).IncTo(count);
            _verificationFailures.IncTo((await RowsAsync(connection,
                "select '', '', count(*)::float8 from backup_jobs where verification_status = 'failed'", cancellationToken))[0].Value);

            Publish(_lastSuccess, await RowsAsync(connection, """
                select distinct on (s.name, j.backup_type) s.name, j.backup_type, extract(epoch from j.completed_at)::float8
                from backup_jobs j join sources s on s.id = j.source_id where j.status = 'completed' order by s.name, j.backup_type, j.completed_at desc
                """, cancellationToken));
            Publish(_size, await RowsAsync(connection, """
                select distinct on (s.name, j.backup_type) s.name, j.backup_type, j.file_size_bytes::float8
                from backup_jobs j join sources s on s.id = j.source_id where j.status = 'completed' order by s.name, j.backup_type, j.completed_at desc
                """, cancellationToken));

            var usage = services.GetRequiredService<Storage.StorageUsage>();
            Publish(_storageUsed, [.. (await usage.ByKindAsync(cancellationToken)).Select(u => (u.Location, u.Kind, (double)u.Bytes))]);
            Publish(_storageFree, [.. (await usage.LocationsAsync(cancellationToken)).Where(l => l.Space is not null).Select(l => (l.Location.Name, "", (double)l.Space!.FreeBytes))]);

            var now = DateTimeOffset.UtcNow;
            var health = await services.GetRequiredService<MetricsService>().SourcesAsync(null, now, cancellationToken);
            Publish(_recoveryPointAge, [.. health.Where(h => h.RecoveryPointAgeSeconds is not null).Select(h => (h.Name, "", h.RecoveryPointAgeSeconds!.Value))]);

            await ObserveDurationsAsync(services.GetRequiredService<CatalogDbContext>(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The exporter would otherwise serve the last values without a word; stale numbers must show in the log.
            _logger.LogError(e, "Refreshing /metrics from the catalog failed; the scrape shows the previous values");
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Each finished backup is observed once; a margin catches jobs that committed after a later one was seen.</summary>
    private async Task ObserveDurationsAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        var since = _watermark == DateTimeOffset.MinValue ? _watermark : _watermark - TimeSpan.FromMinutes(10);
        var finished = await db.BackupJobs.AsNoTracking()
            .Where(j => (j.Status == Domain.Backups.JobStatus.Completed || j.Status == Domain.Backups.JobStatus.Expired)
                        && j.StartedAt != null && j.CompletedAt != null && j.CompletedAt > since)
            .Select(j => new { j.Id, j.BackupType, j.StartedAt, j.CompletedAt }).ToListAsync(cancellationToken);
        foreach (var stale in _observed.Where(o => o.Value <= since).Select(o => o.Key).ToList()) _observed.Remove(stale);
        foreach (var job in finished.Where(j => _observed.TryAdd(j.Id, j.CompletedAt!.Value)))
            _duration.WithLabels(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(job.BackupType.ToString()))
                .Observe((job.CompletedAt!.Value - job.StartedAt!.Value).TotalSeconds);
        if (finished.Count > 0) _watermark = finished.Max(j => j.CompletedAt!.Value);
    }

    /// <summary>Sets a gauge's label sets to exactly these rows: sources or types that are gone stop being reported.</summary>
    private static void Publish(Gauge gauge, List<(string A, string B, double Value)> rows)
    {
        var labelCount = gauge.LabelNames.Length;
        var current = rows.Select(r => labelCount == 1 ? new[] { r.A } : [r.A, r.B]).ToList();
        foreach (var stale in gauge.GetAllLabelValues().Where(old => !current.Any(c => c.SequenceEqual(old))).ToList())
            gauge.RemoveLabelled(stale);
        foreach (var (labels, row) in current.Zip(rows)) gauge.WithLabels(labels).Set(row.Value);
    }

    private static async Task<List<(string A, string B, double Value)>> RowsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string, string, double)>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetDouble(2)));
        return rows;
    }
}
