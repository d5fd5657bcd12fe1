using BackupPortal.Api.Auth;
using BackupPortal.Domain.Alerts;
using BackupPortal.Infrastructure.Alerts;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Alerts;

public sealed record AlertResponse(
    Guid Id, Guid RuleId, AlertKind Kind, AlertSeverity Severity, AlertState State, string Key, Guid? SourceId, Guid? JobId, string Message,
    bool IsEvent, DateTimeOffset FiredAt, DateTimeOffset LastSeenAt, DateTimeOffset? ResolvedAt, string? ResolvedReason,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy)
{
    public static AlertResponse From(Alert a) => new(a.Id, a.RuleId, a.Kind, a.Severity, a.State, a.Key, a.SourceId, a.JobId, a.Message, a.IsEvent,
        a.FiredAt, a.LastSeenAt, a.ResolvedAt, a.ResolvedReason, a.AcknowledgedAt, a.AcknowledgedBy);
}

public sealed class AlertQuery
{
    [QueryParam] public string? State { get; set; }
    [QueryParam] public Guid? SourceId { get; set; }
    [QueryParam] public int Page { get; set; } = 1;
    [QueryParam] public int PageSize { get; set; } = 50;

    public sealed class Validator : Validator<AlertQuery>
    {
        public Validator()
        {
            RuleFor(r => r.State).Must(s => s is null || Enums.TryParse<AlertState>(s, out _)).WithMessage("state must be firing or resolved.");
            RuleFor(r => r.Page).GreaterThanOrEqualTo(1);
            RuleFor(r => r.PageSize).InclusiveBetween(1, 500);
        }
    }
}

public sealed class ListAlerts(AlertService alerts) : Endpoint<AlertQuery, List<AlertResponse>>
{
    public override void Configure()
    {
        Get("alerts");
        Roles(Role.All);
        Description(b => b.Produces(400));
        Summary(s => s.Summary = "Alerts, newest first: firing ones (notified once, deduplicated while they last) and the history of resolved ones.");
    }

    public override async Task HandleAsync(AlertQuery req, CancellationToken ct) =>
        await Send.OkAsync([.. (await alerts.AlertsAsync(Enums.ParseOrNull<AlertState>(req.State), req.SourceId, req.Page, req.PageSize, ct)).Select(AlertResponse.From)], ct);
}

public sealed class AcknowledgeAlert(AlertService alerts) : Endpoint<IdRequest, AlertResponse>
{
    public override void Configure()
    {
        Post("alerts/{id:guid}/acknowledge");
        Roles(Role.Operators);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Records who has seen an alert; it keeps firing until its condition clears.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(AlertResponse.From(await alerts.AcknowledgeAsync(req.Id, User.Actor(), ct)), ct);
}
