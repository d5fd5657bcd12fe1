using BackupPortal.Infrastructure.Retention;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Retention.Preview;

public sealed class Request
{
    [QueryParam] public Guid SourceId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator() => RuleFor(r => r.SourceId).NotEmpty().WithMessage("sourceId is required.");
    }
}

public sealed class Endpoint(RetentionService retention) : Endpoint<Request, RetentionPreview>
{
    public override void Configure()
    {
        Get("retention/preview");
        Roles(Role.All);
        Description(b => b.Produces(400));
        Summary(s => s.Summary = "A dry run: what the next cleanup would delete and what it keeps, each with the reason.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(await retention.PreviewAsync(req.SourceId, DateTimeOffset.UtcNow, ct), ct);
}
