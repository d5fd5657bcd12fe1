using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Backups;

/// <summary>One backup: its state (live while it runs), verification report, metrics, recorded tables, and actions by role.</summary>
[Authorize]
public sealed class DetailModel(ApiClient api) : PageModel
{
    public BackupDetail? Backup { get; private set; }
    public string SourceName { get; private set; } = "";

    [TempData] public string? Message { get; set; }
    [TempData] public string? Error { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Backup = await api.BackupAsync(id, cancellationToken);
        if (Backup is null) return NotFound();
        SourceName = (await api.SourcesAsync(cancellationToken)).FirstOrDefault(s => s.Id == Backup.SourceId)?.Name ?? "";
        return Page();
    }

    public Task<IActionResult> OnPostVerifyAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(id, () => api.VerifyBackupAsync(id, cancellationToken), "Verification queued.");

    public Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(id, () => api.CancelBackupAsync(id, cancellationToken), "Cancel requested.");

    /// <summary>The Api decides; its refusal is shown, and a forbidden action answers 403 like the Api did.</summary>
    private async Task<IActionResult> ActAsync(Guid id, Func<Task> act, string done)
    {
        try
        {
            await act();
            Message = done;
        }
        catch (ApiProblem problem) when (problem.Status is 401 or 403)
        {
            return StatusCode(problem.Status);
        }
        catch (ApiProblem problem)
        {
            Error = problem.Message;
        }
        return Redirect($"/backups/{id}");
    }
}
