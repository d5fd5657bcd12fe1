using System.Net;
using System.Security.Claims;
using BackupPortal.Api.Audit;
using BackupPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Auth;

/// <summary>The Api's plain sign-in page, where the portal's authorization-code flow sends people.</summary>
public static class LoginPage
{
    public static void MapLoginPage(this WebApplication app)
    {
        app.MapGet("/account/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) =>
            Page(http, antiforgery, returnUrl, null, null)).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/account/login", async (HttpContext http, IAntiforgery antiforgery, UserService users,
            [FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl) =>
        {
            var (user, outcome) = await users.CheckPasswordAsync(userName ?? "", password ?? "");
            if (user is null)
            {
                AuditOutcome.Set(http, userName ?? "", null, $"sign-in failed: {outcome}");
                var message = outcome == "locked out" ? "Too many failed attempts: this account is locked for a while." : "Wrong user name or password.";
                return Page(http, antiforgery, returnUrl, userName, message);
            }
            AuditOutcome.Set(http, user.UserName, user.Role, "sign-in succeeded");
            var identity = new ClaimsIdentity(AuthSetup.LoginScheme, Claims.Name, Claims.Role);
            identity.AddClaims([new(Claims.Subject, user.Id.ToString()), new(Claims.Name, user.UserName), new(Claims.Role, user.Role)]);
            await http.SignInAsync(AuthSetup.LoginScheme, new ClaimsPrincipal(identity));
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(Hardening.SignInPolicy);
    }

    private static bool IsLocal(string? url) => !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\");

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? userName, string? error)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · BackupPortal</title>
            <style>
              body { font-family: system-ui, sans-serif; background: #f4f6f8; display: grid; place-items: center; min-height: 100vh; margin: 0; }
              form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 2px 12px rgba(0,0,0,.08); width: min(340px, 90vw); }
              h1 { font-size: 1.3rem; margin: 0 0 1.2rem; } label { display: block; margin: .8rem 0 .3rem; font-size: .9rem; }
              input { width: 100%; padding: .55rem; box-sizing: border-box; border: 1px solid #c8ced6; border-radius: 4px; }
              button { margin-top: 1.2rem; width: 100%; padding: .6rem; background: #1f5fbf; color: #fff; border: 0; border-radius: 4px; font-size: 1rem; }
              .error { color: #b42318; background: #fef3f2; padding: .5rem; border-radius: 4px; }
            </style></head>
            <body><form method="post" action="/account/login">
              <h1>BackupPortal</h1>
              {{(error is null ? "" : $"<p class=\"error\" role=\"alert\">{E(error)}</p>")}}
              <input type="hidden" name="{{E(tokens.FormFieldName)}}" value="{{E(tokens.RequestToken)}}">
              <input type="hidden" name="returnUrl" value="{{E(returnUrl)}}">
              <label for="userName">User name</label><input id="userName" name="userName" autocomplete="username" required value="{{E(userName)}}">
              <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
              <button type="submit">Sign in</button>
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: error is null ? 200 : 401);
    }
}
