using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Schedules.Create;

public sealed class Request : ScheduleRequest
{
    public sealed class Validator : ScheduleRequestValidator<Request>;
}

public sealed class Endpoint(ScheduleService schedules) : Endpoint<Request, ScheduleResponse>
{
    public override void Configure()
    {
        Post("schedules");
        Roles(Role.Operators);
        Description(b => b.Produces(400).Produces(404));
        Summary(s => s.Summary = "Creates a cron schedule (5 fields, ranges, steps, lists, MON-FRI names; IANA time zone).");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var schedule = await schedules.CreateAsync(req.ToInput(), ct);
        await Send.CreatedAtAsync<Get.Endpoint>(new { id = schedule.Id }, ScheduleResponse.From(schedule), cancellation: ct);
    }
}
