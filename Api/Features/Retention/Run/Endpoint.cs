using BackupPortal.Infrastructure.Retention;
using FastEndpoints;

namespace BackupPortal.Api.Features.Retention.Run;

public sealed class Request
{
    [QueryParam] public Guid? SourceId { get; set; }
}

public sealed record Response(List<RetentionItem> Expired);

public sealed class Endpoint(RetentionService retention) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("retention/run");
        Roles(Role.Operators);
        Summary(s => s.Summary = "Runs the cleanup now (it also runs hourly): deletes what the preview lists and marks those backups expired.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(new Response(await retention.CleanupAsync(req.SourceId, DateTimeOffset.UtcNow, ct)), ct);
}
