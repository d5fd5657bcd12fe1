using BackupPortal.Api.Auth;
using BackupPortal.Api.Features.Backups;
using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Schedules.Run;

public sealed class Endpoint(ScheduleService schedules) : Endpoint<IdRequest, BackupResponse>
{
    public override void Configure()
    {
        Post("schedules/{id:guid}/run");
        Roles(Role.Operators);
        Description(b => b.Produces(404).Produces(422));
        Summary(s => s.Summary = "Runs the schedule's backup now.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(BackupResponse.From(await schedules.RunNowAsync(req.Id, User.Actor(), ct)), 202, ct);
}
