using BackupPortal.Api.Auth;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Restores;
using BackupPortal.Infrastructure.Restores;
using FastEndpoints;
using FluentValidation;

namespace BackupPortal.Api.Features.Restores.Create;

public sealed class Request
{
    public Guid? BackupId { get; set; }
    public string RestoreType { get; set; } = "full";

    /// <summary>Point in time only: the source to recover (instead of a backup id).</summary>
    public Guid? SourceId { get; set; }

    /// <summary>Point in time only: RFC 3339 with an offset, or "latest" for everything received.</summary>
    public string? TargetTime { get; set; }

    /// <summary>Point in time only: leave the recovered instance running and return its connection details.</summary>
    public bool KeepInstance { get; set; }
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
            RuleFor(r => r.BackupId).NotEmpty().When(r => r.RestoreType != "point_in_time")
                .WithMessage("backupId is required: the backup to restore.");
            RuleFor(r => r.TargetTime).NotEmpty().When(r => r.RestoreType == "point_in_time")
                .WithMessage("targetTime is required for a point-in-time restore: an RFC 3339 time with offset (2026-11-25T18:00:00Z) or \"latest\".");
            RuleFor(r => r.TargetTime).Must(t => TryParseTarget(t, out _)).When(r => r.RestoreType == "point_in_time" && !string.IsNullOrEmpty(r.TargetTime))
                .WithMessage(r => $"targetTime '{r.TargetTime}' is not an RFC 3339 time with an offset (2026-11-25T18:00:00Z, 2026-11-25T19:00:00+01:00) or \"latest\".");
            RuleFor(r => r.SourceId).NotEmpty().When(r => r.RestoreType == "point_in_time" && r.BackupId is null)
                .WithMessage("sourceId is required for a point-in-time restore: the source to recover.");
            RuleFor(r => r.RestoreType).Must(t => Enums.TryParse<RestoreType>(t, out _))
                .WithMessage(r => $"restoreType '{r.RestoreType}' is unknown; use one of: {Enums.Names<RestoreType>()}.");
            RuleFor(r => r.Reason).NotEmpty().WithMessage("reason is required: say why this restore is needed.").MaximumLength(2000);
            RuleFor(r => r.TargetDatabase).Must(PgIdentifier.IsValid!).When(r => r.TargetDatabase is not null)
                .WithMessage("targetDatabase must be a plain identifier: letters, digits and underscores, starting with a letter or underscore, at most 63 characters.");
            RuleFor(r => r.KeepInstance).Equal(false).When(r => r.RestoreType != "point_in_time")
                .WithMessage("keepInstance applies to point-in-time restores only.");
            RuleFor(r => r.Tables).NotEmpty().When(r => r.RestoreType == "partial")
                .WithMessage("tables is required for a partial restore: list schema-qualified tables (or schemas).");
        }
    }

    /// <summary>"latest" is null; otherwise an RFC 3339 time that names its offset, so nobody's local clock decides it.</summary>
    public static bool TryParseTarget(string? text, out DateTimeOffset? target)
    {
        target = null;
        if (text == "latest") return true;
        if (text is null || !System.Text.RegularExpressions.Regex.IsMatch(text, @"(Z|[+-]\d\d:\d\d)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            || !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var parsed))
            return false;
        target = parsed;
        return true;
    }
}

public sealed class Endpoint(RestoreService restores) : Endpoint<Request, RestoreResponse>
{
    public override void Configure()
    {
        Post("restores");
        Roles(Role.Admin);
        Description(b => b.Produces(400).Produces(404).Produces(409).Produces(422));
        Summary(s => s.Summary = "Queues a restore: a backup's whole database (full) or selected tables (partial), or a source as of a point in time (point_in_time with sourceId and targetTime; optional tables, or keepInstance).");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Enums.TryParse<RestoreType>(req.RestoreType, out var type);
        Request.TryParseTarget(req.TargetTime, out var target);
        var operation = await restores.QueueAsync(new RestoreRequest(
            req.BackupId, type, req.Tables ?? [], req.TargetDatabase, req.TargetSourceId, req.Overwrite, req.Confirm,
            req.Force, req.NoOwner, req.Reason.Trim(), req.SourceId, target, req.KeepInstance), User.Actor(), ct);
        await Send.ResponseAsync(RestoreResponse.From(operation), 202, ct);
    }
}
