using BackupPortal.Domain.Alerts;
using BackupPortal.Infrastructure.Alerts;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Alerts;

public sealed class RuleRequest
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Severity { get; set; } = "warning";
    public bool Enabled { get; set; } = true;
    public Guid? SourceId { get; set; }
    public double? Threshold { get; set; }
    public long? MinFreeBytes { get; set; }
    public long? QuotaBytes { get; set; }
    public List<Guid>? ChannelIds { get; set; }

    public RuleInput ToInput() => new(Name.Trim(), Enums.ParseOrNull<AlertKind>(Kind)!.Value, Enums.ParseOrNull<AlertSeverity>(Severity)!.Value,
        Enabled, SourceId, Threshold, MinFreeBytes, QuotaBytes, ChannelIds ?? []);

    public sealed class Validator : Validator<RuleRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Kind).Must(k => Enums.TryParse<AlertKind>(k, out _)).WithMessage(r => $"kind '{r.Kind}' is unknown; use one of: {Enums.Names<AlertKind>()}.");
            RuleFor(r => r.Severity).Must(s => Enums.TryParse<AlertSeverity>(s, out _)).WithMessage(r => $"severity '{r.Severity}' is unknown; use one of: {Enums.Names<AlertSeverity>()}.");
            RuleFor(r => r.Threshold).GreaterThan(0).When(r => r.Threshold is not null);
            RuleFor(r => r.MinFreeBytes).GreaterThan(0).When(r => r.MinFreeBytes is not null);
            RuleFor(r => r.QuotaBytes).GreaterThan(0).When(r => r.QuotaBytes is not null);
        }
    }
}

public sealed record RuleResponse(
    Guid Id, string Name, AlertKind Kind, AlertSeverity Severity, bool Enabled, Guid? SourceId, double? Threshold, long? MinFreeBytes,
    long? QuotaBytes, List<Guid> ChannelIds, DateTimeOffset CreatedAt)
{
    public static RuleResponse From(AlertRule r) => new(r.Id, r.Name, r.Kind, r.Severity, r.Enabled, r.SourceId, r.Threshold, r.MinFreeBytes, r.QuotaBytes, r.ChannelIds, r.CreatedAt);
}

public sealed class ListRules(AlertService alerts) : EndpointWithoutRequest<List<RuleResponse>>
{
    public override void Configure()
    {
        Get("alert-rules");
        Roles(Role.All);
        Summary(s => s.Summary = "Alert rules, the seeded defaults included: failures in a row, storage low, verification failed, restore finished, no verified backup for N hours, stale recovery point, job stuck, worker lost, WAL gap.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync([.. (await alerts.RulesAsync(ct)).Select(RuleResponse.From)], ct);
}

public sealed class CreateRule(AlertService alerts) : Endpoint<RuleRequest, RuleResponse>
{
    public override void Configure()
    {
        Post("alert-rules");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404));
        Summary(s => s.Summary = "Adds a rule. threshold means failures in a row, hours, minutes or percent free by kind; channelIds limits who hears it (empty: every channel).");
    }

    public override async Task HandleAsync(RuleRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(RuleResponse.From(await alerts.SaveRuleAsync(null, req.ToInput(), ct)), 201, ct);
}

public sealed class UpdateRule(AlertService alerts) : Endpoint<RuleRequest, RuleResponse>
{
    public override void Configure()
    {
        Put("alert-rules/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404));
        Summary(s => s.Summary = "Changes a rule; disabling it resolves its firing alerts without a notice.");
    }

    public override async Task HandleAsync(RuleRequest req, CancellationToken ct) =>
        await Send.OkAsync(RuleResponse.From(await alerts.SaveRuleAsync(req.Id, req.ToInput(), ct)), ct);
}

public sealed class DeleteRule(AlertService alerts) : Endpoint<IdRequest>
{
    public override void Configure()
    {
        Delete("alert-rules/{id:guid}");
        Roles(Role.Admin);
        Description(b => b.Produces(204).Produces(404));
        Summary(s => s.Summary = "Deletes a rule and its alert history; disable it instead to keep the history.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        await alerts.DeleteRuleAsync(req.Id, ct);
        await Send.NoContentAsync(ct);
    }
}
