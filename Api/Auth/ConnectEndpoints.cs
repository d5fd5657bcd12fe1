using System.Security.Claims;
using BackupPortal.Domain.Identity;
using BackupPortal.Infrastructure.Identity;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using BackupPortal.Api.Audit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Auth;

/// <summary>OpenIddict's passthrough endpoints: OpenIddict has validated the protocol; these say who the caller is.</summary>
public static class ConnectEndpoints
{
    public static void MapConnect(this WebApplication app)
    {
        app.MapPost("/connect/token", (Delegate)TokenAsync).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Hardening.SignInPolicy);
        app.MapMethods("/connect/authorize", ["GET", "POST"], (Delegate)AuthorizeAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapMethods("/connect/logout", ["GET", "POST"], (Delegate)LogoutAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> TokenAsync(HttpContext http, ClientService clients, UserService users)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            var role = await clients.RoleOfClientAsync(request.ClientId!, http.RequestAborted) ?? Roles.Viewer;
            AuditOutcome.Set(http, request.ClientId!, role, "success");
            return SignIn(request.ClientId!, request.ClientId!, role, [ApiScope]);
        }

        // Authorization code or refresh token: the user must still exist and not be locked out; their role is read afresh.
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        var user = Guid.TryParse(subject, out var id) ? await users.FindActiveAsync(id) : null;
        if (user is null)
        {
            AuditOutcome.Set(http, subject ?? "unknown", null, "refused: user gone or locked out");
            return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = OpenIddictConstants.Errors.InvalidGrant,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user no longer exists or is locked out.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        AuditOutcome.Set(http, user.UserName, user.Role, "success");
        return SignIn(user.Id.ToString(), user.UserName, user.Role, result.Principal!.GetScopes());
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserService users)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = await http.AuthenticateAsync(AuthSetup.LoginScheme);
        var user = Guid.TryParse(login.Principal?.FindFirstValue(Claims.Subject), out var id) ? await users.FindActiveAsync(id) : null;
        if (user is null)
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + http.Request.QueryString }, [AuthSetup.LoginScheme]);
        return SignIn(user.Id.ToString(), user.UserName, user.Role, request.GetScopes());
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(AuthSetup.LoginScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult SignIn(string subject, string name, string role, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject).SetClaim(Claims.Name, name).SetClaims(Claims.Role, [role]);
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type is Claims.Name or Claims.Role
            ? [Destinations.AccessToken, Destinations.IdentityToken]
            : [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private const string ApiScope = AuthSetup.ApiScope;
}
