using BackupPortal.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace BackupPortal.Api.Errors;

/// <summary>
/// Domain refusals and bad requests (malformed or oversized bodies, missing antiforgery tokens) become problem+json in
/// FastEndpoints' shape, with an <c>errors</c> list naming the field, never a 500.
/// </summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, field, extensions) = exception switch
        {
            DomainException d => (d.StatusCode, d.Field, d.Extensions),
            BadHttpRequestException b => (b.StatusCode, null, null),
            _ => (0, null, null),
        };
        if (status == 0) return false;
        httpContext.Response.StatusCode = status;
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = status switch { 404 => "Not found.", 409 => "Conflict.", 413 => "Request body too large.", 503 => "Unavailable.", _ => "The request cannot be carried out." },
            Detail = exception.Message,
            Instance = httpContext.Request.Path,
        };
        details.Extensions["errors"] = new[] { new { name = field ?? "request", reason = exception.Message } };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) details.Extensions[key] = value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
