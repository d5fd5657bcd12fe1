using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Schedules.Preview;

public sealed class Request
{
    public Guid Id { get; set; }
    [QueryParam] public int Count { get; set; } = 5;

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.Count).InclusiveBetween(1, 100);
    }
}

public sealed class Endpoint(ScheduleService schedules) : Endpoint<Request, PreviewResponse>
{
    public override void Configure()
    {
        Get("schedules/{id:guid}/preview");
        Roles(Role.All);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "The schedule's next runs, in its time zone with offsets.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var schedule = await schedules.GetAsync(req.Id, ct);
        await Send.OkAsync(new PreviewResponse(schedule.CronExpression, schedule.TimeZone, ScheduleService.Preview(schedule, req.Count, DateTimeOffset.UtcNow)), ct);
    }
}
