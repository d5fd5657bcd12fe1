using BackupPortal.Api.Features.Sources;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Drills;
using BackupPortal.Infrastructure.Drills;
using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Drills;

/// <summary>A drill as the API shows it: what was restored, how long it took, and every check.</summary>
public sealed record DrillResponse(
    Guid Id, Guid SourceId, DrillStatus Status, DrillTrigger Trigger, DateTimeOffset? ScheduledFor, string RequestedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, Guid? BackupJobId, Guid? RestoreId, double? RtoSeconds, Guid? PitrRestoreId,
    DateTimeOffset? PitrTargetTime, double? PitrRtoSeconds, List<VerificationCheck> Checks, string? ErrorMessage)
{
    public static DrillResponse From(RestoreDrill d) => new(d.Id, d.SourceId, d.Status, d.Trigger, d.ScheduledFor, d.RequestedBy, d.CreatedAt,
        d.StartedAt, d.CompletedAt, d.BackupJobId, d.RestoreId, d.RtoSeconds, d.PitrRestoreId, d.PitrTargetTime, d.PitrRtoSeconds, d.Checks, d.ErrorMessage);
}

public sealed class StartDrill(DrillService drills) : Endpoint<IdRequest, DrillResponse>
{
    public override void Configure()
    {
        Post("sources/{id:guid}/drill");
        Roles(Role.Operators);
        Description(b => b.Produces(404).Produces(409));
        Summary(s => s.Summary = "Queues a restore drill now: the newest full backup (and a random point of the recoverable window) restored into scratch databases, checked, timed (RTO) and dropped.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(DrillResponse.From(await drills.QueueAsync(req.Id, User.Identity?.Name ?? "unknown", ct)), 202, ct);
}

public sealed class ListDrills(DrillService drills) : Endpoint<IdRequest, List<DrillResponse>>
{
    public override void Configure()
    {
        Get("sources/{id:guid}/drills");
        Roles(Role.All);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "The source's last 50 restore drills, newest first.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync([.. (await drills.ListAsync(req.Id, 50, ct)).Select(DrillResponse.From)], ct);
}

public sealed class GetDrill(DrillService drills) : Endpoint<IdRequest, DrillResponse>
{
    public override void Configure()
    {
        Get("drills/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) => await Send.OkAsync(DrillResponse.From(await drills.GetAsync(req.Id, ct)), ct);
}

public sealed class SqlCheckRequest
{
    public string Name { get; set; } = "";
    public string Sql { get; set; } = "";
    public string Operator { get; set; } = "";
    public string Expected { get; set; } = "";
}

public sealed class DrillSettingsRequest
{
    public Guid Id { get; set; }
    public string CronExpression { get; set; } = Domain.Sources.Source.DefaultDrillCron;
    public bool Enabled { get; set; } = true;
    public Guid? TargetSourceId { get; set; }
    public List<SqlCheckRequest> Checks { get; set; } = [];

    public sealed class Validator : Validator<DrillSettingsRequest>
    {
        public Validator()
        {
            RuleFor(r => r.CronExpression).Custom((value, context) =>
            {
                if (CronRules.CronError(value) is { } error) context.AddFailure("cronExpression", error);
            });
            RuleForEach(r => r.Checks).ChildRules(check =>
            {
                check.RuleFor(c => c.Name).NotEmpty().MaximumLength(100);
                check.RuleFor(c => c.Sql).NotEmpty().MaximumLength(10_000);
                check.RuleFor(c => c.Operator).Must(o => SqlCheck.Operators.Contains(o)).WithMessage($"operator must be one of: {string.Join(" ", SqlCheck.Operators)}.");
                check.RuleFor(c => c.Expected).NotNull();
            });
            RuleFor(r => r.Checks).Must(c => c.Select(x => x.Name).Distinct().Count() == c.Count).WithMessage("Each check needs its own name.");
        }
    }
}

public sealed class SaveDrillSettings(DrillService drills) : Endpoint<DrillSettingsRequest, SourceResponse>
{
    public override void Configure()
    {
        Put("sources/{id:guid}/drill-settings");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404));
        Summary(s => s.Summary = "When drills run (cron, UTC; default monthly), the server they restore onto, and the source's own SQL checks: a query returning one value and the condition it must meet (operator and expected value), run read-only against the restored copy.");
    }

    public override async Task HandleAsync(DrillSettingsRequest req, CancellationToken ct)
    {
        var settings = new DrillSettings(req.CronExpression, req.Enabled, req.TargetSourceId,
            [.. req.Checks.Select(c => new SqlCheck(c.Name.Trim(), c.Sql, c.Operator, c.Expected))]);
        await Send.OkAsync(await SourceResponse.LoadAsync(await drills.SaveSettingsAsync(req.Id, settings, ct), drills, ct), ct);
    }
}
