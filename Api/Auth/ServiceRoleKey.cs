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
/// The seed's <c>SUPABASE_SERVICE_ROLE_KEY</c>: on the function route a bearer equal to it acts as admin. Everything
/// else (and any other bearer) goes to OpenIddict's token validation.
/// </summary>
public static class ServiceRoleKey
{
    public const string SchemeName = "ServiceRoleKey";
    public const string Selector = "Bearer";
    public const string Actor = "service_role";

    public static AuthenticationBuilder AddServiceRoleKey(this AuthenticationBuilder builder) => builder
        .AddScheme<AuthenticationSchemeOptions, Handler>(SchemeName, null)
        .AddPolicyScheme(Selector, "Bearer token or service role key", o => o.ForwardDefaultSelector = http =>
            http.Request.Path.StartsWithSegments("/functions") && Handler.Matches(http)
                ? SchemeName
                : OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);

    private sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public static bool Matches(HttpContext http)
        {
            var key = http.RequestServices.GetRequiredService<IConfiguration>()["SUPABASE_SERVICE_ROLE_KEY"];
            var header = http.Request.Headers.Authorization.ToString();
            if (string.IsNullOrEmpty(key) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return false;
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[7..].Trim()), Encoding.UTF8.GetBytes(key));
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (string.IsNullOrEmpty(configuration["SUPABASE_SERVICE_ROLE_KEY"]) || !Matches(Context))
                return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity(SchemeName, Claims.Name, Claims.Role);
            identity.AddClaims([new(Claims.Subject, Actor), new(Claims.Name, Actor), new(Claims.Role, Roles.Admin)]);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
