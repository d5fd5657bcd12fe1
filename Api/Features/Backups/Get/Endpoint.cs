using BackupPortal.Infrastructure.Backups;
using FastEndpoints;

namespace BackupPortal.Api.Features.Backups.Get;

public sealed class Endpoint(BackupService backups) : Endpoint<IdRequest, BackupDetailResponse>
{
    public override void Configure()
    {
        Get("backups/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "A backup job with its verification report, metrics and the row counts recorded at backup time.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        var job = await backups.GetAsync(req.Id, ct);
        var metrics = await backups.MetricsAsync(req.Id, ct);
        var details = job.Details;
        await Send.OkAsync(new BackupDetailResponse(
            BackupResponse.From(job), job.VerificationReport,
            [.. metrics.Select(m => new MetricResponse(m.MetricName, m.MetricValue, m.Unit, m.RecordedAt))],
            [.. (details?.Tables ?? []).Select(t => new TableCountResponse(t.QualifiedName, t.RowCount))],
            details?.ServerVersion, details?.ToolVersion, details?.SchemaFingerprint, details?.DurationSeconds,
            details?.Wal, details?.Notes ?? [], details?.Log, await backups.CopiesAsync(req.Id, ct)), ct);
    }
}
