using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Schedules;

/// <summary>
/// Creates or edits a schedule. The next five runs of the cron expression come from the Api (as you type with
/// JavaScript, with the Preview button without it); the retention preview shows what the source's next cleanup does.
/// </summary>
[Authorize]
public sealed class EditModel(ApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? Id { get; set; }
    [BindProperty] public string Name { get; set; } = "";
    [BindProperty(SupportsGet = true)] public Guid? SourceId { get; set; }
    [BindProperty] public string BackupType { get; set; } = "full";
    [BindProperty] public string CronExpression { get; set; } = "0 2 * * *";
    [BindProperty] public string TimeZone { get; set; } = "UTC";
    [BindProperty] public bool IsActive { get; set; } = true;
    [BindProperty] public int KeepDaily { get; set; } = 7;
    [BindProperty] public int KeepWeekly { get; set; } = 4;
    [BindProperty] public int KeepMonthly { get; set; } = 12;
    [BindProperty] public int KeepYearly { get; set; }
    [BindProperty] public int RetentionDays { get; set; } = 30;
    [BindProperty] public int MaxAttempts { get; set; } = 3;
    [BindProperty] public int RetryBackoffSeconds { get; set; } = 60;

    /// <summary>Ticked: this schedule's backups go to <see cref="StorageLocationIds"/> instead of the source's storage policy.</summary>
    [BindProperty] public bool OverrideStorage { get; set; }
    [BindProperty] public List<Guid> StorageLocationIds { get; set; } = [];
    public List<Location> Locations { get; private set; } = [];

    public List<Source> Sources { get; private set; } = [];
    public CronPreview? Preview { get; private set; }
    public RetentionPreview? Retention { get; private set; }
    public Dictionary<string, string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.CanOperate(User)) return StatusCode(403);
        if (Id is { } id)
        {
            if (await api.ScheduleAsync(id, cancellationToken) is not { } s) return NotFound();
            (Name, SourceId, BackupType, CronExpression, TimeZone, IsActive) = (s.Name, s.SourceId, s.BackupType, s.CronExpression, s.TimeZone, s.IsActive);
            (KeepDaily, KeepWeekly, KeepMonthly, KeepYearly, RetentionDays, MaxAttempts, RetryBackoffSeconds) =
                (s.KeepDaily, s.KeepWeekly, s.KeepMonthly, s.KeepYearly, s.RetentionDays, s.MaxAttempts, s.RetryBackoffSeconds);
            (OverrideStorage, StorageLocationIds) = (s.StorageLocationIds is not null, s.StorageLocationIds ?? []);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await api.SaveScheduleAsync(Id, new
            {
                name = Name, sourceId = SourceId, backupType = BackupType, cronExpression = CronExpression, timeZone = TimeZone, isActive = IsActive,
                keepDaily = KeepDaily, keepWeekly = KeepWeekly, keepMonthly = KeepMonthly, keepYearly = KeepYearly, retentionDays = RetentionDays,
                maxAttempts = MaxAttempts, retryBackoffSeconds = RetryBackoffSeconds, storageLocationIds = OverrideStorage ? StorageLocationIds : null,
            }, cancellationToken);
            return Redirect("/schedules");
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            Errors = problem.FieldErrors.Count > 0 ? problem.FieldErrors : new() { ["form"] = problem.Message };
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Id is { } id) await api.DeleteScheduleAsync(id, cancellationToken);
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        return Redirect("/schedules");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Sources = await api.SourcesAsync(cancellationToken);
        Locations = await api.LocationsAsync(cancellationToken);
        try
        {
            Preview = await api.PreviewCronAsync(CronExpression, TimeZone, cancellationToken);
        }
        catch (ApiProblem problem)
        {
            foreach (var (field, message) in problem.FieldErrors) Errors.TryAdd(field, message);
        }
        if (SourceId is { } source) Retention = await api.RetentionPreviewAsync(source, cancellationToken);
    }
}
