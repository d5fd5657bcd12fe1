using Microsoft.AspNetCore.Mvc.RazorPages;

namespace BackupPortal.Web.Pages;

/// <summary>A placeholder home that shows whether the Api answers.</summary>
public sealed class IndexModel(IHttpClientFactory clients) : PageModel
{
    public string ApiUrl { get; private set; } = "";
    public string ApiStatus { get; private set; } = "unknown";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var api = clients.CreateClient("api");
        ApiUrl = api.BaseAddress!.ToString();
        try
        {
            using var response = await api.GetAsync("health/ready", cancellationToken);
            ApiStatus = response.IsSuccessStatusCode ? "ready" : $"not ready ({(int)response.StatusCode})";
        }
        catch (HttpRequestException e)
        {
            ApiStatus = $"unreachable ({e.Message})";
        }
    }
}
