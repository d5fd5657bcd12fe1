using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using BackupPortal.Domain.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Auth;

/// <summary>
/// Fixed bearer keys that stand in for a token on one path only: the seed's <c>SUPABASE_SERVICE_ROLE_KEY</c> acts as
/// admin on the function route, and <c>METRICS_SCRAPE_KEY</c> as a viewer on <c>/metrics</c>, for a Prometheus that
/// cannot fetch tokens. Everything else (and any other bearer) goes to OpenIddict's token validation.
/// </summary>
public static class StaticKeys
{
    public const string Selector = "Bearer";

    private sealed record Key(string Scheme, string PathPrefix, string Setting, string Actor, string Role);

    private static readonly Key[] Keys =
    [
        new("ServiceRoleKey", "/functions", "SUPABASE_SERVICE_ROLE_KEY", "service_role", Roles.Admin),
        new("ScrapeKey", "/metrics", "METRICS_SCRAPE_KEY", "metrics_scraper", Roles.Viewer),
    ];

    public static AuthenticationBuilder AddStaticKeys(this AuthenticationBuilder builder)
    {
        foreach (var key in Keys) builder.AddScheme<KeyOptions, Handler>(key.Scheme, o => o.Key = key);
        return builder.AddPolicyScheme(Selector, "Bearer token or a path's static key", o => o.ForwardDefaultSelector = http =>
            Keys.FirstOrDefault(k => http.Request.Path.StartsWithSegments(k.PathPrefix) && Matches(http, k))?.Scheme
            ?? OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
    }

    private static bool Matches(HttpContext http, Key key)
    {
        var expected = http.RequestServices.GetRequiredService<IConfiguration>()[key.Setting];
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(expected) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[7..].Trim()), Encoding.UTF8.GetBytes(expected));
    }

    private sealed class KeyOptions : AuthenticationSchemeOptions
    {
        public Key Key { get; set; } = null!;
    }

    private sealed class Handler(IOptionsMonitor<KeyOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<KeyOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Matches(Context, Options.Key)) return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity(Scheme.Name, Claims.Name, Claims.Role);
            identity.AddClaims([new(Claims.Subject, Options.Key.Actor), new(Claims.Name, Options.Key.Actor), new(Claims.Role, Options.Key.Role)]);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
