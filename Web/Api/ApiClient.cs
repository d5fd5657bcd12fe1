using System.Net.Http.Json;

namespace BackupPortal.Web.Api;

public sealed record Me(string Name, string Role, string Subject);

/// <summary>The portal's typed view of the Api.</summary>
public sealed class ApiClient(HttpClient http)
{
    public Uri BaseAddress => http.BaseAddress!;

    public async Task<string> ReadinessAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("health/ready", cancellationToken);
            return response.IsSuccessStatusCode ? "ready" : $"not ready ({(int)response.StatusCode})";
        }
        catch (HttpRequestException e)
        {
            return $"unreachable ({e.Message})";
        }
    }

    public Task<Me?> MeAsync(CancellationToken cancellationToken) => http.GetFromJsonAsync<Me>("api/v1/me", cancellationToken);
}
