using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace BackupPortal.Web.Auth;

/// <summary>
/// The portal signs people in through the Api (authorization code + PKCE, public client <c>backupportal-portal</c>)
/// and keeps the tokens in its own cookie session.
/// </summary>
public static class PortalAuth
{
    public const string ClientId = "backupportal-portal";

    public static void AddPortalAuth(this IHostApplicationBuilder builder, Uri apiUrl)
    {
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "bp.portal";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = TokenRefresher.ValidateAsync;
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = apiUrl.ToString().TrimEnd('/');
                o.RequireHttpsMetadata = apiUrl.Scheme == Uri.UriSchemeHttps;
                o.ClientId = ClientId;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // A redirect rather than an auto-posting form: works without JavaScript and with SameSite=Lax cookies.
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "roles", "offline_access", "api" }) o.Scope.Add(scope);
                o.TokenValidationParameters.NameClaimType = "name";
                o.TokenValidationParameters.RoleClaimType = "role";
                // Lax and only Secure over https, so sign-in also works on a plain-http loopback install.
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SignedOutRedirectUri = "/";
            });
        builder.Services.AddAuthorization();
    }

    public static void MapPortalAuth(this WebApplication app)
    {
        app.MapGet("/account/signin", (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = IsLocal(returnUrl) ? returnUrl : "/" }));
        app.MapPost("/account/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            // No form is bound here, so nothing else would check the token.
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]);
        });
    }

    private static bool IsLocal(string? url) => !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//");
}
