using BackupPortal.Api.Auth;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Restores;
using BackupPortal.Infrastructure.Restores;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Restores.Create;

public sealed class Request
{
    public Guid BackupId { get; set; }
    public string RestoreType { get; set; } = "full";
    public List<string>? Tables { get; set; }
    public string? TargetDatabase { get; set; }
    public Guid? TargetSourceId { get; set; }
    public bool Overwrite { get; set; }
    public string? Confirm { get; set; }
    public bool Force { get; set; }
    public bool NoOwner { get; set; }
    public string Reason { get; set; } = "";

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.BackupId).NotEmpty();
            RuleFor(r => r.RestoreType).Must(t => Enums.TryParse<RestoreType>(t, out _))
                .WithMessage(r => $"restoreType '{r.RestoreType}' is unknown; use one of: {Enums.Names<RestoreType>()}.");
            RuleFor(r => r.Reason).NotEmpty().WithMessage("reason is required: say why this restore is needed.").MaximumLength(2000);
            RuleFor(r => r.TargetDatabase).Must(PgIdentifier.IsValid!).When(r => r.TargetDatabase is not null)
                .WithMessage("targetDatabase must be a plain identifier: letters, digits and underscores, starting with a letter or underscore, at most 63 characters.");
            RuleFor(r => r.Tables).NotEmpty().When(r => r.RestoreType == "partial")
                .WithMessage("tables is required for a partial restore: list schema-qualified tables (or schemas).");
        }
    }
}

public sealed class Endpoint(RestoreService restores) : Endpoint<Request, RestoreResponse>
{
    public override void Configure()
    {
        Post("restores");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404).Produces(409).Produces(422));
        Summary(s => s.Summary = "Queues a restore of a backup: the whole database (full) or selected tables (partial).");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Enums.TryParse<RestoreType>(req.RestoreType, out var type);
        var operation = await restores.QueueAsync(new RestoreRequest(
            req.BackupId, type, req.Tables ?? [], req.TargetDatabase, req.TargetSourceId, req.Overwrite, req.Confirm,
            req.Force, req.NoOwner, req.Reason.Trim()), User.Actor(), ct);
        await Send.ResponseAsync(RestoreResponse.From(operation), 202, ct);
    }
}
