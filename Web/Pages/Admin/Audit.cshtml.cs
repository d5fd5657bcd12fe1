using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Admin;

/// <summary>The audit trail, newest first, with the hash chain checked on every visit.</summary>
[Authorize]
public sealed class AuditModel(ApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;
    public AuditPage? Entries { get; private set; }
    public ChainVerification? Chain { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.IsAdmin(User)) return StatusCode(403);
        Entries = await api.AuditAsync(Math.Max(1, PageNumber), cancellationToken);
        Chain = await api.VerifyAuditAsync(cancellationToken);
        return Page();
    }
}
