using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace BackupPortal.Web.Pages.Sources;

/// <summary>
/// How a source is kept safe beyond its schedules: where its copies go (the storage policy), its restore drills with
/// their checks and RTO, and the SQL checks a drill runs against the restored copy.
/// </summary>
[Authorize]
public sealed class DrillsModel(ApiClient api) : ApiPage
{
    public Source? Source { get; private set; }
    public List<Drill> History { get; private set; } = [];
    public List<Location> Locations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Source = await api.SourceAsync(id, cancellationToken);
        if (Source is null) return NotFound();
        History = await api.DrillsAsync(id, cancellationToken);
        Locations = await api.LocationsAsync(cancellationToken);
        return Page();
    }

    /// <summary>The drill history fragment the page refreshes in place while a drill runs (<c>?handler=History</c>).</summary>
    public async Task<IActionResult> OnGetHistoryAsync(Guid id, CancellationToken cancellationToken) =>
        Partial("_DrillHistory", await api.DrillsAsync(id, cancellationToken));

    public Task<IActionResult> OnPostRunAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.StartDrillAsync(id, cancellationToken), () => Redirect($"/sources/{id}/drills"), "Drill queued: its restores and checks show below as they finish.");

    /// <summary>The ticked locations, in the order they are listed (the default first): reads try them in that order.</summary>
    public Task<IActionResult> OnPostPolicyAsync(Guid id, List<Guid> locationIds, CancellationToken cancellationToken) =>
        ActAsync(() => api.SetStoragePolicyAsync(id, locationIds, cancellationToken), () => Redirect($"/sources/{id}/drills"), "Storage policy saved; the next backup goes to every location ticked.");

    /// <summary>Existing checks come back with a remove box each; a new one is added when its fields are filled.</summary>
    public async Task<IActionResult> OnPostSettingsAsync(
        Guid id, string cronExpression, bool enabled, List<SqlCheck> checks, List<string> remove, SqlCheck? added, CancellationToken cancellationToken)
    {
        var kept = checks.Where(c => !remove.Contains(c.Name)).ToList();
        if (added is { Name.Length: > 0, Sql.Length: > 0 }) kept.Add(added);
        var source = await api.SourceAsync(id, cancellationToken);
        return await ActAsync(() => api.SaveDrillSettingsAsync(id, new { cronExpression, enabled, targetSourceId = source?.Drill?.TargetSourceId, checks = kept }, cancellationToken),
            () => Redirect($"/sources/{id}/drills"), "Drill settings saved.");
    }
}
