using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Admin;

/// <summary>Master keys by id (never their material), how many artifacts each protects, and rotation.</summary>
[Authorize]
public sealed class KeysModel(ApiClient api) : PageModel
{
    public List<KeyInfo> Keys { get; private set; } = [];
    [TempData] public string? Message { get; set; }
    [TempData] public string? Error { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.IsAdmin(User)) return StatusCode(403);
        Keys = await api.KeysAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(CancellationToken cancellationToken)
    {
        try
        {
            var key = await api.RotateKeyAsync(cancellationToken);
            Message = $"Key {key.Id} is now current: new backups and secrets use it; older ones stay readable. Re-wrap them with POST /api/v1/keys/rewrap.";
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
}
