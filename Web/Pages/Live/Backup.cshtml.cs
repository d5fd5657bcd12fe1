using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Live;

/// <summary>A backup's state fragment, refreshed in place while it runs and until its verification is done.</summary>
[Authorize]
public sealed class BackupModel(ApiClient api) : PageModel
{
    public BackupDetail? Backup { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Backup = await api.BackupAsync(id, cancellationToken);
        return Backup is null ? NotFound() : Page();
    }
}
