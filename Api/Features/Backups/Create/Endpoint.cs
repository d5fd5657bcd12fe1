using BackupPortal.Api.Auth;
using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Backups;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Backups.Create;

public sealed class Request
{
    public Guid SourceId { get; set; }
    public string BackupType { get; set; } = "full";
    public Guid? ScheduleId { get; set; }

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.SourceId).NotEmpty();
            RuleFor(r => r.BackupType).Must(t => Enums.TryParse<BackupType>(t, out _))
                .WithMessage(r => $"backupType '{r.BackupType}' is unknown; use one of: {Enums.Names<BackupType>()}.");
        }
    }
}

public sealed class Endpoint(BackupService backups) : Endpoint<Request, BackupResponse>
{
    public override void Configure()
    {
        Post("backups");
        Roles(Role.Operators);
        Description(b => b.Produces(400).Produces(404).Produces(422));
        Summary(s => s.Summary = "Queues a backup. It is verified automatically once completed.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Enums.TryParse<BackupType>(req.BackupType, out var type);
        var job = await backups.QueueAsync(req.SourceId, type, req.ScheduleId, User.Actor(), ct);
        await Send.ResponseAsync(BackupResponse.From(job), 202, ct);
    }
}
