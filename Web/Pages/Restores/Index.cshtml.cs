using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Restores;

/// <summary>Restore history, newest first: who asked, why, into what, and how it ended.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;
    public List<Restore> Restores { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => Restores = await api.RestoresAsync(Math.Max(1, PageNumber), cancellationToken);
}
