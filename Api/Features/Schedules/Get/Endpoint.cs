using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Schedules.Get;

public sealed class Endpoint(ScheduleService schedules) : Endpoint<IdRequest, ScheduleResponse>
{
    public override void Configure()
    {
        Get("schedules/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(ScheduleResponse.From(await schedules.GetAsync(req.Id, ct)), ct);
}
