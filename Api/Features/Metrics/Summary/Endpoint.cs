using BackupPortal.Infrastructure.Monitoring;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Metrics.Summary;

public sealed class Request
{
    [QueryParam] public Guid? SourceId { get; set; }
    [QueryParam] public string Window { get; set; } = "24h";

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Window).Must(MetricsService.Windows.ContainsKey)
            .WithMessage(r => $"window '{r.Window}' is unknown; use one of: {string.Join(", ", MetricsService.Windows.Keys)}.");
    }
}

public sealed class Endpoint(MetricsService metrics) : Endpoint<Request, MetricsSummary>
{
    public override void Configure()
    {
        Get("metrics/summary");
        Roles(Role.All);
        Description(b => b.Produces(400));
        Summary(s => s.Summary = "What the dashboard reads: success rate and counts by status and type, storage by type and source, average and p95 duration, last good and last verified backup and the recovery point per source, verification counts, running jobs.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(await metrics.SummaryAsync(req.SourceId, req.Window, ct), ct);
}
