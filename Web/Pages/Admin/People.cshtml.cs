using BackupPortal.Web.Api;
using BackupPortal.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Admin;

/// <summary>Who may sign in (people) and call the Api (script clients), with their roles.</summary>
[Authorize]
public sealed class PeopleModel(ApiClient api) : PageModel
{
    public List<UserInfo> Users { get; private set; } = [];
    public List<ClientInfo> Clients { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!Fmt.IsAdmin(User)) return StatusCode(403);
        Users = await api.UsersAsync(cancellationToken);
        Clients = await api.ClientsAsync(cancellationToken);
        return Page();
    }
}
