using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Backups;

/// <summary>Every backup, filtered by source, type and status, a page at a time.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : PageModel
{
    public const int PageSize = 25;

    [BindProperty(SupportsGet = true)] public Guid? SourceId { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public BackupPage? Results { get; private set; }
    public List<Source> Sources { get; private set; } = [];
    public string? Error { get; private set; }

    public static readonly string[] Types = ["full", "schema_only", "base", "incremental"];
    public static readonly string[] Statuses = ["pending", "running", "completed", "failed", "cancelled", "expired"];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Sources = await api.SourcesAsync(cancellationToken);
        try
        {
            Results = await api.BackupsAsync(SourceId, NullIfEmpty(Type), NullIfEmpty(Status), Math.Max(1, PageNumber), PageSize, cancellationToken);
        }
        catch (ApiProblem problem)
        {
            Error = problem.Message;
        }
    }

    public string SourceName(Guid id) => Sources.FirstOrDefault(s => s.Id == id)?.Name ?? id.ToString()[..8];

    public string PageLink(int page) =>
        $"/backups?p={page}{(SourceId is { } s ? $"&sourceId={s}" : "")}{(string.IsNullOrEmpty(Type) ? "" : $"&type={Type}")}{(string.IsNullOrEmpty(Status) ? "" : $"&status={Status}")}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
