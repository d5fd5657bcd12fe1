using BackupPortal.Infrastructure.Monitoring;

namespace BackupPortal.Api.Monitoring;

public static class PrometheusEndpoint
{
    /// <summary>
    /// <c>/metrics</c> in Prometheus text format, for any signed-in role or the scrape key. A minimal API: the body is
    /// the exposition format, written straight to the response, not a JSON document.
    /// </summary>
    public static void MapPrometheus(this WebApplication app) =>
        app.MapGet("/metrics", async (HttpContext http, PrometheusMetrics metrics) =>
            {
                http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                await metrics.WriteAsync(http.Response.Body, http.RequestAborted);
            })
            .RequireAuthorization(policy => policy.RequireRole(Role.All))
            .ExcludeFromDescription();
}
