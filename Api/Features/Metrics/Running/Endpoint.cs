using BackupPortal.Infrastructure.Monitoring;
using FastEndpoints;

namespace BackupPortal.Api.Features.Metrics.Running;

public sealed class Request
{
    [QueryParam] public Guid? SourceId { get; set; }
}

public sealed class Endpoint(MetricsService metrics) : Endpoint<Request, List<RunningJob>>
{
    public override void Configure()
    {
        Get("metrics/running");
        Roles(Role.All);
        Summary(s => s.Summary = "Backups and restores running now with their progress: the summary's running jobs alone, cheap enough to poll.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) => await Send.OkAsync(await metrics.RunningAsync(req.SourceId, ct), ct);
}
