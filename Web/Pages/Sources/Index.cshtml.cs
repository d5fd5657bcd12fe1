using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using BackupPortal.Web.Pages.Shared;

namespace BackupPortal.Web.Pages.Sources;

/// <summary>The databases under protection: test a connection (and what point-in-time recovery needs), enable PITR, see the recoverable window.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : ApiPage
{
    public List<Source> Sources { get; private set; } = [];
    public Dictionary<Guid, RecoveryWindow> Windows { get; } = [];
    public Guid? TestedId { get; private set; }
    public SourceTest? Test { get; private set; }
    public List<Location> Locations { get; private set; } = [];

    /// <summary>The source's storage policy by name; an empty policy is the default location.</summary>
    public string StoredIn(Source source) => source.StorageLocationIds is { Count: > 0 } ids
        ? string.Join(", ", ids.Select(id => Locations.FirstOrDefault(l => l.Id == id)?.Name ?? id.ToString()[..8]))
        : "default";

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostTestAsync(Guid id, CancellationToken cancellationToken)
    {
        try
        {
            (TestedId, Test) = (id, await api.TestSourceAsync(id, cancellationToken));
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostEnablePitrAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.EnablePitrAsync(id, cancellationToken), () => RedirectToPage(),
            "Point-in-time recovery is on: WAL streams into the archive, and a first base backup is queued.");

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Sources = await api.SourcesAsync(cancellationToken);
        Locations = await api.LocationsAsync(cancellationToken);
        foreach (var source in Sources.Where(s => s.PointInTimeRecovery))
            if (await api.WindowAsync(source.Id, cancellationToken) is { } window) Windows[source.Id] = window;
    }
}
