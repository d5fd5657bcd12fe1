using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using BackupPortal.Web.Pages.Shared;

namespace BackupPortal.Web.Pages.Schedules;

/// <summary>Schedules with their state and next run; operators pause and resume them.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : ApiPage
{
    public List<Schedule> Schedules { get; private set; } = [];
    public List<Source> Sources { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Schedules = await api.SchedulesAsync(cancellationToken);
        Sources = await api.SourcesAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostActiveAsync(Guid id, bool active, CancellationToken cancellationToken) =>
        ActAsync(() => api.SetScheduleActiveAsync(id, active, cancellationToken), () => RedirectToPage());

    public string SourceName(Guid id) => Sources.FirstOrDefault(s => s.Id == id)?.Name ?? id.ToString()[..8];
}
