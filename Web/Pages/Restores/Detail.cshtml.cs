using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Restores;

/// <summary>One restore: live progress while it runs, then its result with the row-count verification.</summary>
[Authorize]
public sealed class DetailModel(ApiClient api) : PageModel
{
    public Restore? Restore { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Restore = await api.RestoreAsync(id, cancellationToken);
        return Restore is null ? NotFound() : Page();
    }

    /// <summary>The state fragment the page refreshes in place (<c>?handler=State</c>).</summary>
    public async Task<IActionResult> OnGetStateAsync(Guid id, CancellationToken cancellationToken) =>
        await api.RestoreAsync(id, cancellationToken) is { } restore ? Partial("/Pages/Live/_RestoreState.cshtml", restore) : NotFound();
}
