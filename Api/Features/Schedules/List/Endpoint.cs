using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Schedules.List;

public sealed class Request
{
    [QueryParam] public Guid? SourceId { get; set; }
}

public sealed class Endpoint(ScheduleService schedules) : Endpoint<Request, List<ScheduleResponse>>
{
    public override void Configure()
    {
        Get("schedules");
        Roles(Role.All);
        Summary(s => s.Summary = "Backup schedules, optionally of one source.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync([.. (await schedules.ListAsync(req.SourceId, ct)).Select(ScheduleResponse.From)], ct);
}
