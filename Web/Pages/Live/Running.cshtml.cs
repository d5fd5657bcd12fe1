using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages.Live;

/// <summary>The running-jobs fragment the dashboard refreshes in place.</summary>
[Authorize]
public sealed class RunningModel(ApiClient api) : PageModel
{
    public List<RunningJob> Jobs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Jobs = await api.RunningAsync(cancellationToken);
}
