using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using BackupPortal.Web.Pages.Shared;

namespace BackupPortal.Web.Pages.Alerts;

/// <summary>Firing alerts to acknowledge, and the history of resolved ones.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : ApiPage
{
    [BindProperty(SupportsGet = true)] public string State { get; set; } = "firing";
    public List<Alert> Alerts { get; private set; } = [];
    public List<Source> Sources { get; private set; } = [];
    public List<AlertRule> Rules { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Alerts = await api.AlertsAsync(State is "firing" or "resolved" ? State : null, cancellationToken);
        Sources = await api.SourcesAsync(cancellationToken);
        Rules = await api.AlertRulesAsync(cancellationToken);
    }

    public Task<IActionResult> OnPostRuleAsync(Guid id, bool enabled, CancellationToken cancellationToken) =>
        ActAsync(() => api.SetRuleEnabledAsync(id, enabled, cancellationToken), () => RedirectToPage(new { State }));

    public Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.AcknowledgeAsync(id, cancellationToken), () => RedirectToPage(new { State }));

    public string SourceName(Guid? id) => id is { } s ? Sources.FirstOrDefault(x => x.Id == s)?.Name ?? s.ToString()[..8] : "—";
}
