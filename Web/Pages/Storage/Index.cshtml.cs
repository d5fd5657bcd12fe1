using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace BackupPortal.Web.Pages.Storage;

/// <summary>Where backups are kept: each location with its usage; operators test one, admins add, remove and re-index them.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : ApiPage
{
    public List<Location> Locations { get; private set; } = [];
    public Guid? TestedId { get; private set; }
    public LocationTest? Test { get; private set; }
    public ReindexResult? Reindexed { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Locations = await api.LocationsAsync(cancellationToken);

    /// <summary>A local directory (path) or an S3-compatible bucket; the secret key goes to the Api and is never shown again.</summary>
    public Task<IActionResult> OnPostAddAsync(
        string name, string type, string? path, string? endpoint, string? region, string? bucket, string? prefix, string? accessKeyId,
        string? secretAccessKey, bool forcePathStyle, CancellationToken cancellationToken) =>
        ActAsync(() => api.CreateLocationAsync(type == "s3"
            ? new { name, type, endpoint = Blank(endpoint), region = Blank(region), bucket, prefix = Blank(prefix), accessKeyId = Blank(accessKeyId), secretAccessKey = Blank(secretAccessKey), forcePathStyle }
            : new { name, type, path }, cancellationToken), () => RedirectToPage(), $"Storage location {name} added; test it before a policy uses it.");

    public Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.DeleteLocationAsync(id, cancellationToken), () => RedirectToPage(), "Storage location removed.");

    public Task<IActionResult> OnPostTestAsync(Guid id, CancellationToken cancellationToken) =>
        ShowAsync(async () => (TestedId, Test) = (id, await api.TestLocationAsync(id, cancellationToken)), cancellationToken);

    public Task<IActionResult> OnPostReindexAsync(Guid id, CancellationToken cancellationToken) =>
        ShowAsync(async () => Reindexed = await api.ReindexAsync(id, cancellationToken), cancellationToken);

    /// <summary>Answers with the page itself, so the result shows beside the locations.</summary>
    private async Task<IActionResult> ShowAsync(Func<Task> act, CancellationToken cancellationToken)
    {
        var answer = await ActAsync(act, Page);
        Locations = await api.LocationsAsync(cancellationToken);
        return answer;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
