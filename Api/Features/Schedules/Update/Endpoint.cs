using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Schedules.Update;

public sealed class Request : ScheduleRequest
{
    public Guid Id { get; set; }

    public sealed class Validator : ScheduleRequestValidator<Request>;
}

public sealed class Endpoint(ScheduleService schedules) : Endpoint<Request, ScheduleResponse>
{
    public override void Configure()
    {
        Put("schedules/{id:guid}");
        Roles(Role.Operators);
        Description(b => b.Produces(400).Produces(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(ScheduleResponse.From(await schedules.UpdateAsync(req.Id, req.ToInput(), ct)), ct);
}
