using BackupPortal.Infrastructure.Restores;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Restores.List;

public sealed class Request
{
    [QueryParam] public int Page { get; set; } = 1;
    [QueryParam] public int PageSize { get; set; } = 20;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Page).GreaterThanOrEqualTo(1);
            RuleFor(r => r.PageSize).InclusiveBetween(1, 200);
        }
    }
}

public sealed class Endpoint(RestoreService restores) : Endpoint<Request, List<RestoreResponse>>
{
    public override void Configure()
    {
        Get("restores");
        Roles(Role.All);
        Summary(s => s.Summary = "Lists restore operations, newest first.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync([.. (await restores.ListAsync(req.Page, req.PageSize, ct)).Select(r => RestoreResponse.From(r))], ct);
}
