using BackupPortal.Domain.Audit;
using BackupPortal.Infrastructure.Audit;
using BackupPortal.Infrastructure.Backups;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Audit.List;

public sealed class Request
{
    [QueryParam] public string? Actor { get; set; }
    [QueryParam] public string? Action { get; set; }
    [QueryParam] public DateTimeOffset? From { get; set; }
    [QueryParam] public DateTimeOffset? To { get; set; }
    [QueryParam] public int Page { get; set; } = 1;
    [QueryParam] public int PageSize { get; set; } = 50;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Page).GreaterThanOrEqualTo(1);
            RuleFor(r => r.PageSize).InclusiveBetween(1, 500);
        }
    }
}

public sealed class Endpoint(AuditService audit) : Endpoint<Request, PagedList<AuditEntry>>
{
    public override void Configure()
    {
        Get("audit");
        Roles(Role.Admin);
        Summary(s => s.Summary = "The audit trail, newest first.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await Send.OkAsync(await audit.QueryAsync(new AuditQuery(req.Actor, req.Action, req.From, req.To, req.Page, req.PageSize), ct), ct);
    }
}
