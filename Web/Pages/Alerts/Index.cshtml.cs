using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Alerts;

/// <summary>Firing alerts to acknowledge, and the history of resolved ones.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string State { get; set; } = "firing";
    public List<Alert> Alerts { get; private set; } = [];
    public List<Source> Sources { get; private set; } = [];
    public List<AlertRule> Rules { get; private set; } = [];
    [TempData] public string? Error { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Alerts = await api.AlertsAsync(State is "firing" or "resolved" ? State : null, cancellationToken);
        Sources = await api.SourcesAsync(cancellationToken);
        Rules = await api.AlertRulesAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostRuleAsync(Guid id, bool enabled, CancellationToken cancellationToken)
    {
        try
        {
            await api.SetRuleEnabledAsync(id, enabled, cancellationToken);
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            Error = problem.Message;
        }
        return RedirectToPage(new { State });
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            await api.AcknowledgeAsync(id, cancellationToken);
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            Error = problem.Message;
        }
        return RedirectToPage(new { State });
    }

    public string SourceName(Guid? id) => id is { } s ? Sources.FirstOrDefault(x => x.Id == s)?.Name ?? s.ToString()[..8] : "—";
}
