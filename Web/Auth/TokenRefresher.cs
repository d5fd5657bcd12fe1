using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace BackupPortal.Web.Auth;

/// <summary>
/// Keeps the portal session's access token fresh: shortly before it expires the refresh token buys a new one; when
/// that fails (user removed, locked out, refresh token expired) the session ends and the next page asks to sign in.
/// </summary>
public static class TokenRefresher
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var expiresAt = context.Properties.GetTokenValue("expires_at");
        if (expiresAt is null || DateTimeOffset.Parse(expiresAt, CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow > Margin) return;

        var refreshToken = context.Properties.GetTokenValue("refresh_token");
        var options = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIdConnectOptions>>()
            .Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = options.ConfigurationManager is null ? null : await options.ConfigurationManager.GetConfigurationAsync(context.HttpContext.RequestAborted);
        if (refreshToken is null || configuration is null)
        {
            await RejectAsync(context);
            return;
        }
        using var response = await options.Backchannel.PostAsync(configuration.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = options.ClientId!,
            ["refresh_token"] = refreshToken,
        }), context.HttpContext.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            await RejectAsync(context);
            return;
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(context.HttpContext.RequestAborted));
        var root = body.RootElement;
        context.Properties.UpdateTokenValue("access_token", root.GetProperty("access_token").GetString()!);
        if (root.TryGetProperty("refresh_token", out var rotated)) context.Properties.UpdateTokenValue("refresh_token", rotated.GetString()!);
        var lifetime = root.TryGetProperty("expires_in", out var seconds) ? seconds.GetInt32() : 3600;
        context.Properties.UpdateTokenValue("expires_at", DateTimeOffset.UtcNow.AddSeconds(lifetime).ToString("o", CultureInfo.InvariantCulture));
        context.ShouldRenew = true;
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
