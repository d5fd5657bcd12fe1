using BackupPortal.Infrastructure.Monitoring;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Metrics.Timeseries;

public sealed class Request
{
    [QueryParam] public string Metric { get; set; } = "";
    [QueryParam] public Guid? SourceId { get; set; }
    [QueryParam] public DateTimeOffset? From { get; set; }
    [QueryParam] public DateTimeOffset? To { get; set; }
    [QueryParam] public string Bucket { get; set; } = "day";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Metric).Must(m => MetricsService.SeriesMetrics.Contains(m))
                .WithMessage(r => $"metric '{r.Metric}' is unknown; use one of: {string.Join(", ", MetricsService.SeriesMetrics)}.");
            RuleFor(r => r.Bucket).Must(b => MetricsService.Buckets.Contains(b))
                .WithMessage(r => $"bucket '{r.Bucket}' is unknown; use one of: {string.Join(", ", MetricsService.Buckets)}.");
        }
    }
}

public sealed class Endpoint(MetricsService metrics) : Endpoint<Request, TimeSeries>
{
    public override void Configure()
    {
        Get("metrics/timeseries");
        Roles(Role.All);
        Description(b => b.Produces(400));
        Summary(s => s.Summary = "Series for charts: jobs_by_status (count per status), duration_seconds (average per type), storage_bytes (per type, from the periodic samples); per hour or day, 30 days back by default.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var to = req.To ?? DateTimeOffset.UtcNow;
        await Send.OkAsync(await metrics.SeriesAsync(req.Metric, req.SourceId, req.From ?? to.AddDays(-30), to, req.Bucket, ct), ct);
    }
}
