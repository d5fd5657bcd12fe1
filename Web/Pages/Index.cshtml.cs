using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;

namespace BackupPortal.Web.Pages;

/// <summary>Backup Monitoring: each source's protection at a glance, success rates, storage, jobs, alerts and schedules.</summary>
public sealed class IndexModel(ApiClient api) : ApiPage
{
    public string ApiUrl => api.BaseAddress.ToString();
    public string ApiStatus { get; private set; } = "unknown";
    public Me? Me { get; private set; }
    public Dictionary<string, MetricsSummary> Windows { get; } = [];
    public MetricsSummary? Day => Windows.GetValueOrDefault("24h");
    public List<Backup> Recent { get; private set; } = [];
    public List<Schedule> Schedules { get; private set; } = [];
    public List<Alert> Alerts { get; private set; } = [];
    public List<Source> Sources { get; private set; } = [];
    public TimeSeries? JobsPerDay { get; private set; }
    public TimeSeries? Durations { get; private set; }
    public TimeSeries? Storage { get; private set; }
    public StackedBars JobsChart => Charts.JobsByStatus(JobsPerDay);
    public StackedBars DurationChart => Charts.PerKey("Average backup duration per day by type", Durations, v => Fmt.Duration(v));
    public StackedBars StorageChart => Charts.PerKey("Stored bytes per day by type (samples every 15 minutes)", Storage, v => Fmt.Bytes((long)v));

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        ApiStatus = await api.ReadinessAsync(cancellationToken);
        if (User.Identity?.IsAuthenticated != true) return;
        Me = await api.MeAsync(cancellationToken);
        foreach (var window in new[] { "24h", "7d", "30d" })
            if (await api.SummaryAsync(window, cancellationToken) is { } summary) Windows[window] = summary;
        Recent = (await api.BackupsAsync(null, null, null, 1, 10, cancellationToken))?.Items ?? [];
        Schedules = await api.SchedulesAsync(cancellationToken);
        Alerts = await api.FiringAlertsAsync(cancellationToken);
        Sources = await api.SourcesAsync(cancellationToken);
        JobsPerDay = await api.SeriesAsync("jobs_by_status", "day", cancellationToken);
        Durations = await api.SeriesAsync("duration_seconds", "day", cancellationToken);
        Storage = await api.SeriesAsync("storage_bytes", "day", cancellationToken);
    }

    /// <summary>"Back up now": the Api decides who may; a refusal comes back as its own status.</summary>
    public async Task<IActionResult> OnPostBackupAsync(Guid sourceId, string backupType, CancellationToken cancellationToken)
    {
        Backup? started = null;
        return await ActAsync(async () => started = await api.StartBackupAsync(sourceId, string.IsNullOrEmpty(backupType) ? "full" : backupType, cancellationToken),
            () => started is null ? RedirectToPage() : Redirect($"/backups/{started.Id}"));
    }

    public string SourceName(Guid id) => Sources.FirstOrDefault(s => s.Id == id)?.Name ?? id.ToString()[..8];

    public DateTimeOffset? NextRun(Guid sourceId) => Schedules.Where(s => s.SourceId == sourceId && s.IsActive && s.NextRunAt is not null).Min(s => s.NextRunAt);

    /// <summary>Green: verified within 26 hours and no firing alert. Amber: a backup but nothing verified recently, or an alert. Red: nothing verified at all.</summary>
    public string Light(SourceHealth health)
    {
        var alerting = Alerts.Any(a => a.SourceId == health.SourceId && a.Severity == "critical");
        if (health.LastVerified is null) return "bad";
        if (alerting || health.LastVerified.AgeSeconds > 26 * 3600) return "busy";
        return "good";
    }

    public bool CanOperate => Fmt.CanOperate(User);
}
