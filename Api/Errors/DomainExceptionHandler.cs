using BackupPortal.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace BackupPortal.Api.Errors;

/// <summary>Domain refusals become problem+json in FastEndpoints' shape (an <c>errors</c> list naming the field).</summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DomainException domain) return false;
        httpContext.Response.StatusCode = domain.StatusCode;
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = domain.StatusCode,
            Title = domain.StatusCode switch { 404 => "Not found.", 409 => "Conflict.", 503 => "Unavailable.", _ => "The request cannot be carried out." },
            Detail = domain.Message,
            Instance = httpContext.Request.Path,
        };
        details.Extensions["errors"] = new[] { new { name = domain.Field ?? "request", reason = domain.Message } };
        foreach (var (key, value) in domain.Extensions) details.Extensions[key] = value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception });
    }
}
