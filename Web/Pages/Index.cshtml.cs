using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages;

/// <summary>Home: who is signed in (as the Api sees their token) and whether the Api is ready.</summary>
public sealed class IndexModel(ApiClient api) : PageModel
{
    public string ApiUrl => api.BaseAddress.ToString();
    public string ApiStatus { get; private set; } = "unknown";
    public Me? Me { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        ApiStatus = await api.ReadinessAsync(cancellationToken);
        if (User.Identity?.IsAuthenticated == true) Me = await api.MeAsync(cancellationToken);
    }
}
