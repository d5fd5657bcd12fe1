using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Schedules;

/// <summary>Schedules with their state and next run; operators pause and resume them.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : PageModel
{
    public List<Schedule> Schedules { get; private set; } = [];
    public List<Source> Sources { get; private set; } = [];
    [TempData] public string? Error { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Schedules = await api.SchedulesAsync(cancellationToken);
        Sources = await api.SourcesAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostActiveAsync(Guid id, bool active, CancellationToken cancellationToken)
    {
        try
        {
            await api.SetScheduleActiveAsync(id, active, cancellationToken);
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            Error = problem.Message;
        }
        return RedirectToPage();
    }

    public string SourceName(Guid id) => Sources.FirstOrDefault(s => s.Id == id)?.Name ?? id.ToString()[..8];
}
