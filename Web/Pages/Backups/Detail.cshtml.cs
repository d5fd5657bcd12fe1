using System.Text.Json;
using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using BackupPortal.Web.Pages.Shared;

namespace BackupPortal.Web.Pages.Backups;

/// <summary>One backup: its state (live while it runs), verification report, metrics, recorded tables, and actions by role.</summary>
[Authorize]
public sealed class DetailModel(ApiClient api) : ApiPage
{
    public BackupDetail? Backup { get; private set; }
    public string SourceName { get; private set; } = "";

    /// <summary>The stored manifest, indented for reading; only completed backups have one.</summary>
    public string? Manifest { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Backup = await api.BackupAsync(id, cancellationToken);
        if (Backup is null) return NotFound();
        SourceName = (await api.SourcesAsync(cancellationToken)).FirstOrDefault(s => s.Id == Backup.SourceId)?.Name ?? "";
        if (Backup.Status == "completed")
            Manifest = (await api.ManifestAsync(id, cancellationToken))?.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        return Page();
    }

    public Task<IActionResult> OnPostVerifyAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.VerifyBackupAsync(id, cancellationToken), () => Redirect($"/backups/{id}"), "Verification queued.");

    public Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.CancelBackupAsync(id, cancellationToken), () => Redirect($"/backups/{id}"), "Cancel requested.");

    /// <summary>The state fragment the page refreshes in place (<c>?handler=State</c>).</summary>
    public async Task<IActionResult> OnGetStateAsync(Guid id, CancellationToken cancellationToken) =>
        await api.BackupAsync(id, cancellationToken) is { } backup ? Partial("/Pages/Live/_BackupState.cshtml", backup) : NotFound();
}
