using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Schedules.Delete;

public sealed class Endpoint(ScheduleService schedules) : Endpoint<IdRequest>
{
    public override void Configure()
    {
        Delete("schedules/{id:guid}");
        Roles(Role.Operators);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        await schedules.DeleteAsync(req.Id, ct);
        await Send.NoContentAsync(ct);
    }
}
