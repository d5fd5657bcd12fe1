using BackupPortal.Domain.Schedules;
using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Schedules.PreviewExpression;

/// <summary>Validates an expression not yet saved, and shows its next runs (for a form that previews as you type).</summary>
public sealed class Request
{
    [QueryParam] public string CronExpression { get; set; } = "";
    [QueryParam] public string TimeZone { get; set; } = "UTC";
    [QueryParam] public int Count { get; set; } = 5;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            this.ValidCron(r => r.CronExpression, r => r.TimeZone);
            RuleFor(r => r.Count).InclusiveBetween(1, 100);
        }
    }
}

public sealed class Endpoint : Endpoint<Request, PreviewResponse>
{
    public override void Configure()
    {
        Get("schedules/preview");
        Roles(Role.All);
        Description(b => b.Produces(400));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var draft = new BackupSchedule { Name = "preview", CronExpression = req.CronExpression, TimeZone = req.TimeZone };
        await Send.OkAsync(new PreviewResponse(req.CronExpression, req.TimeZone, ScheduleService.Preview(draft, req.Count, DateTimeOffset.UtcNow)), ct);
    }
}
