using System.Globalization;
using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.RestoreManager;

/// <summary>
/// Backup Restore Manager: five steps (what, how, where, why, confirm) carried in the form itself, so it works without
/// JavaScript. Each step is checked on the server; the Api's own refusals come back beside the field they concern.
/// </summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : PageModel
{
    public const int Steps = 5;

    [BindProperty] public int Step { get; set; } = 1;
    [BindProperty(SupportsGet = true)] public Guid? SourceId { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? BackupId { get; set; }
    [BindProperty(SupportsGet = true)] public bool ShowUnverified { get; set; }
    [BindProperty] public string RestoreType { get; set; } = "full";
    [BindProperty] public List<string> Tables { get; set; } = [];
    [BindProperty] public string? TargetTime { get; set; }
    [BindProperty] public string Target { get; set; } = "new";
    [BindProperty] public string? TargetDatabase { get; set; }
    [BindProperty] public string? Confirm { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public List<Source> Sources { get; private set; } = [];
    public List<Backup> Backups { get; private set; } = [];
    public BackupContents? Contents { get; private set; }
    public RecoveryWindow? Window { get; private set; }
    public Dictionary<string, string> Errors { get; } = [];
    public Source? SelectedSource => Sources.FirstOrDefault(s => s.Id == SourceId);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.IsAdmin(User)) return StatusCode(403);
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>"Next", "Back" or, on the last step, "Start restore".</summary>
    public async Task<IActionResult> OnPostAsync(string move, CancellationToken cancellationToken)
    {
        if (!Fmt.IsAdmin(User)) return StatusCode(403);
        await LoadAsync(cancellationToken);
        if (move == "back")
        {
            Step = Math.Max(1, Step - 1);
            return Page();
        }
        Check();
        if (Errors.Count > 0) return Page();
        if (Step < Steps)
        {
            Step++;
            await LoadAsync(cancellationToken);
            return Page();
        }
        try
        {
            var restore = await api.StartRestoreAsync(new
            {
                restoreType = RestoreType,
                backupId = RestoreType == "point_in_time" ? null : BackupId,
                sourceId = SourceId,
                targetTime = RestoreType == "point_in_time" ? ParseTarget()?.ToString("O") ?? "latest" : null,
                tables = RestoreType == "full" ? null : Tables,
                targetDatabase = TargetDatabase,
                overwrite = Target == "overwrite",
                confirm = Target == "overwrite" ? Confirm : null,
                reason = Reason,
            }, cancellationToken);
            return Redirect($"/restores/{restore.Id}");
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            // Back to the step that holds the field the Api names, with its words beside it.
            var field = problem.FieldErrors.Keys.FirstOrDefault() ?? "";
            Step = field switch { "sourceId" or "backupId" or "force" => 1, "restoreType" or "tables" or "targetTime" => 2, "reason" => 4, _ => 3 };
            Errors[field.Length > 0 ? field : "form"] = problem.Message;
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    private void Check()
    {
        switch (Step)
        {
            case 1:
                if (SourceId is null) Errors["sourceId"] = "Pick the source to restore.";
                else if (BackupId is null && SelectedSource?.PointInTimeRecovery != true) Errors["backupId"] = "Pick a backup.";
                break;
            case 2:
                if (RestoreType is not ("full" or "partial" or "point_in_time")) Errors["restoreType"] = "Choose full, partial or point in time.";
                else if (RestoreType != "point_in_time" && BackupId is null) Errors["restoreType"] = "A full or partial restore needs a backup: go back and pick one.";
                else if (RestoreType == "partial" && Tables.Count == 0) Errors["tables"] = "Tick at least one table.";
                else if (RestoreType == "point_in_time") CheckTargetTime();
                break;
            case 3:
                if (string.IsNullOrWhiteSpace(TargetDatabase)) Errors["targetDatabase"] = "Name the database to restore into.";
                else if (Target == "overwrite" && Confirm != TargetDatabase) Errors["confirm"] = $"Type the database name, {TargetDatabase}, to confirm that it will be replaced.";
                break;
            case 4:
                if (string.IsNullOrWhiteSpace(Reason)) Errors["reason"] = "Say why this restore is needed; it goes into the audit trail.";
                break;
        }
    }

    private void CheckTargetTime()
    {
        if (string.IsNullOrWhiteSpace(TargetTime)) return; // Empty means "latest": everything received.
        if (ParseTarget() is not { } target)
        {
            Errors["targetTime"] = "Enter a date and time (UTC), or leave it empty for the latest point.";
            return;
        }
        if (Window is not { Earliest: { } earliest, Latest: { } latest })
            Errors["targetTime"] = "This source has no recoverable window yet: enable point-in-time recovery and take a base backup.";
        else if (target < earliest || target > latest)
            Errors["targetTime"] = $"{target:yyyy-MM-dd HH:mm:ss} UTC is outside the recoverable window, {earliest.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {latest.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.";
    }

    /// <summary>The date-time input has no zone: the page says it is UTC.</summary>
    public DateTimeOffset? ParseTarget() =>
        DateTime.TryParse(TargetTime, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Sources = await api.SourcesAsync(cancellationToken);
        if (SourceId is not { } source) return;
        Backups = (await api.BackupsAsync(source, null, "completed", 1, 50, cancellationToken))?.Items
            .Where(b => b.BackupType is "full" or "schema_only" && (ShowUnverified || b.VerificationStatus == "verified")).ToList() ?? [];
        if (BackupId is { } backup) Contents = await api.ContentsAsync(backup, cancellationToken);
        Window = await api.WindowAsync(source, cancellationToken);
        var database = SelectedSource?.Database ?? "restored";
        TargetDatabase ??= $"{database[..Math.Min(database.Length, 40)]}_restored_{DateTime.UtcNow:yyyyMMddHHmm}";
    }
}
