using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace BackupPortal.Api.Auth;

/// <summary>Rate limits on sign-in, security headers, and a bound on request bodies.</summary>
public static class Hardening
{
    public const string SignInPolicy = "sign-in";

    public static void AddHardening(this IHostApplicationBuilder builder)
    {
        var perMinute = builder.Configuration.GetValue("RateLimits:SignInPerMinute", 30);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = 1 << 20);
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "bp.af");
    }

    public static void UseSecurityHeaders(this WebApplication app)
    {
        // Browsers apply form-action to the redirects that follow a form post too: the sign-in form ends at the portal.
        var portal = Uri.TryCreate(app.Configuration["BACKUPPORTAL_PORTAL_URL"], UriKind.Absolute, out var url) ? " " + url.GetLeftPart(UriPartial.Authority) : "";
        var policy = $"default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'{portal}; frame-ancestors 'none'";
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (!http.Request.Path.StartsWithSegments("/swagger")) headers.ContentSecurityPolicy = policy;
            await next();
        });
    }
}
