using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;

namespace BackupPortal.Web.Api;

/// <summary>Sends the signed-in user's own access token with every Api call; the portal has no credentials of its own.</summary>
public sealed class AccessTokenHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext is { } http && await http.GetTokenAsync("access_token") is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }
}
