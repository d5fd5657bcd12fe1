using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace BackupPortal.Web.Pages.Admin;

/// <summary>Master keys by id (never their material), how many artifacts each protects, and rotation.</summary>
[Authorize]
public sealed class KeysModel(ApiClient api) : ApiPage
{
    public List<KeyInfo> Keys { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.IsAdmin(User)) return StatusCode(403);
        Keys = await api.KeysAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostRotateAsync(CancellationToken cancellationToken) => ActAsync(async () =>
    {
        var key = await api.RotateKeyAsync(cancellationToken);
        Message = $"Key {key.Id} is now current: new backups and secrets use it; older ones stay readable. Re-wrap them with POST /api/v1/keys/rewrap.";
    }, () => RedirectToPage());
}
