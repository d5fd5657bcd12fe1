using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Live;

/// <summary>A restore's state fragment, refreshed in place until it ends.</summary>
[Authorize]
public sealed class RestoreModel(ApiClient api) : PageModel
{
    public Restore? Restore { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Restore = await api.RestoreAsync(id, cancellationToken);
        return Restore is null ? NotFound() : Page();
    }
}
