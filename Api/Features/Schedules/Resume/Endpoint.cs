using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Schedules.Resume;

public sealed class Endpoint(ScheduleService schedules) : Endpoint<IdRequest, ScheduleResponse>
{
    public override void Configure()
    {
        Post("schedules/{id:guid}/resume");
        Roles(Role.Operators);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(ScheduleResponse.From(await schedules.SetActiveAsync(req.Id, active: true, ct)), ct);
}
