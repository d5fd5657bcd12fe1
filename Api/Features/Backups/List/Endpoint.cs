using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Backups;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Backups.List;

public sealed class Request
{
    [QueryParam] public Guid? SourceId { get; set; }
    [QueryParam] public string? Type { get; set; }
    [QueryParam] public string? Status { get; set; }
    [QueryParam] public int Page { get; set; } = 1;
    [QueryParam] public int PageSize { get; set; } = 20;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Type).Must(t => t is null || Enums.TryParse<BackupType>(t, out _))
                .WithMessage($"type must be one of: {Enums.Names<BackupType>()}.");
            RuleFor(r => r.Status).Must(s => s is null || Enums.TryParse<JobStatus>(s, out _))
                .WithMessage($"status must be one of: {Enums.Names<JobStatus>()}.");
            RuleFor(r => r.Page).GreaterThanOrEqualTo(1);
            RuleFor(r => r.PageSize).InclusiveBetween(1, 200);
        }
    }
}

public sealed class Endpoint(BackupService backups) : Endpoint<Request, PagedList<BackupResponse>>
{
    public override void Configure()
    {
        Get("backups");
        Roles(Role.All);
        Description(b => b.Produces(400));
        Summary(s => s.Summary = "Lists backup jobs, newest first.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var query = new BackupQuery(req.SourceId, Enums.ParseOrNull<BackupType>(req.Type), Enums.ParseOrNull<JobStatus>(req.Status), req.Page, req.PageSize);
        var page = await backups.ListAsync(query, ct);
        await Send.OkAsync(new PagedList<BackupResponse>([.. page.Items.Select(BackupResponse.From)], page.Page, page.PageSize, page.Total), ct);
    }
}
