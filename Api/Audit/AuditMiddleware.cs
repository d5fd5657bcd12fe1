using System.Security.Claims;
using System.Text;
using System.Text.Json;
using BackupPortal.Api.Auth;
using BackupPortal.Infrastructure.Audit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Audit;

/// <summary>
/// Writes one audit row for every state-changing request (and every sign-in attempt): who, role, what, target,
/// outcome, remote address and a redacted summary of the body.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, IServiceScopeFactory scopes, ILogger<AuditMiddleware> logger)
{
    private const int MaxBodyChars = 16_384;

    public async Task InvokeAsync(HttpContext http)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method))
        {
            await next(http);
            return;
        }
        var body = await ReadBodyAsync(http.Request);
        Exception? failure = null;
        try
        {
            await next(http);
        }
        catch (Exception e)
        {
            // The exception handler upstream turns it into the response; the status is not set yet.
            failure = e;
            throw;
        }
        finally
        {
            await WriteAsync(http, body, failure);
        }
    }

    private async Task WriteAsync(HttpContext http, string? body, Exception? failure)
    {
        try
        {
            var explicitInfo = AuditOutcome.Get(http);
            var summary = AuditService.Redact(body, http.Request.ContentType);
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            var action = $"{http.Request.Method} {(route is null ? http.Request.Path.Value : "/" + route.TrimStart('/'))}";
            if (http.Request.Path.StartsWithSegments("/functions") && FunctionAction(body) is { } fn) action += $" ({fn})";
            var entry = new AuditEvent(
                explicitInfo?.Actor ?? ActorOf(http, body),
                explicitInfo?.Role ?? http.User.FindFirstValue(Claims.Role),
                action,
                http.Request.Path.Value,
                explicitInfo?.Outcome ?? Outcome(failure switch
                {
                    null => http.Response.StatusCode,
                    Domain.Common.DomainException d => d.StatusCode,
                    BadHttpRequestException b => b.StatusCode,
                    _ => 500,
                }),
                http.Connection.RemoteIpAddress?.ToString(),
                summary);
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<AuditService>().WriteAsync(entry, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not write the audit row for {Method} {Path}", http.Request.Method, http.Request.Path);
        }
    }

    private static string ActorOf(HttpContext http, string? body)
    {
        if (http.User.Identity?.IsAuthenticated == true) return http.User.Actor();
        // A failed sign-in still names who tried.
        if (http.Request.HasFormContentType && body is not null)
        {
            var form = System.Web.HttpUtility.ParseQueryString(body);
            if ((form["client_id"] ?? form["userName"]) is { Length: > 0 } named) return named[..Math.Min(named.Length, 200)];
        }
        return "anonymous";
    }

    private static string Outcome(int status) => status switch
    {
        < 400 => "success",
        401 => "unauthenticated",
        403 => "forbidden",
        429 => "rate limited",
        < 500 => $"rejected ({status})",
        _ => $"error ({status})",
    };

    private static string? FunctionAction(string? body)
    {
        try
        {
            return body is null ? null : JsonDocument.Parse(body).RootElement.TryGetProperty("action", out var a) ? a.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength is 0 || request.ContentType is null) return null;
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        var buffer = new char[MaxBodyChars];
        var read = await reader.ReadBlockAsync(buffer, 0, buffer.Length);
        request.Body.Position = 0;
        return new string(buffer, 0, read);
    }
}
