using System.Security.Claims;
using BackupPortal.Api.Auth;
using BackupPortal.Api.Features.Backups;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Schedules;
using FastEndpoints;

namespace BackupPortal.Api.Features.Functions.AutomatedBackupScheduler;

/// <summary>The seed's <c>supabase.functions.invoke('automated-backup-scheduler', { body })</c> body.</summary>
public sealed class Request
{
    public string? Action { get; set; }
    public Guid? ScheduleId { get; set; }
    public string? BackupType { get; set; }
    public Guid? BackupJobId { get; set; }
    public Guid? SourceId { get; set; }
    public int? Limit { get; set; }
}

/// <summary>
/// The Supabase Edge Function contract, so scripts written against the original system work unchanged:
/// <c>POST /functions/v1/automated-backup-scheduler</c> with <c>{ action, … }</c>, answering <c>{ success, … }</c>.
/// </summary>
public sealed class Endpoint(BackupService backups, ScheduleService schedules, VerificationService verification) : Endpoint<Request>
{
    private static readonly string[] Actions = ["create_backup", "verify_backup", "list_backups", "get_backup", "run_due_schedules"];

    public override void Configure()
    {
        Post("/functions/v1/automated-backup-scheduler");
        RoutePrefixOverride(string.Empty);
        AllowAnonymous();
        DontThrowIfValidationFails();
        Description(b => b.Produces(200).Produces(400).Produces(401).Produces(403).Produces(404));
        Summary(s => s.Summary = "The seed's automated-backup-scheduler function: create_backup, verify_backup, list_backups, get_backup, run_due_schedules.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            await Fail(401, "Missing or invalid key: send Authorization: Bearer <SUPABASE_SERVICE_ROLE_KEY or an access token>.", ct);
            return;
        }
        if (ValidationFailed)
        {
            await Fail(400, string.Join(" ", ValidationFailures.Select(f => f.ErrorMessage)), ct);
            return;
        }
        try
        {
            await Send.ResponseAsync(await RunAsync(req, ct), 200, ct);
        }
        catch (DomainException e)
        {
            await Fail(e.StatusCode is 403 or 404 or 409 ? e.StatusCode : 400, e.Message, ct);
        }
    }

    private async Task<object> RunAsync(Request req, CancellationToken ct)
    {
        switch (req.Action)
        {
            case "create_backup":
                RequireOperator();
                var schedule = await schedules.FindForFieldAsync(Required(req.ScheduleId, "scheduleId"), "scheduleId", ct);
                var type = req.BackupType is null ? schedule.BackupType
                    : Enums.ParseOrNull<BackupType>(req.BackupType) ?? throw new DomainException($"backupType '{req.BackupType}' is unknown; use one of: {Enums.Names<BackupType>()}.", "backupType", 400);
                var job = await backups.QueueAsync(schedule.SourceId, type, schedule.Id, User.Actor(), ct);
                return new { success = true, backupJobId = job.Id, status = Enums.Name(job.Status), backupJob = BackupResponse.From(job) };
            case "verify_backup":
                RequireOperator();
                var toVerify = await backups.ClaimVerificationAsync(Required(req.BackupJobId, "backupJobId"), ct);
                await verification.RunAsync(toVerify, ct);
                return new
                {
                    success = toVerify.VerificationStatus == VerificationStatus.Verified,
                    backupJobId = toVerify.Id,
                    verificationStatus = Enums.Name(toVerify.VerificationStatus),
                    report = toVerify.VerificationReport,
                };
            case "list_backups":
                var page = await backups.ListAsync(new BackupQuery(req.SourceId, null, null, 1, Math.Clamp(req.Limit ?? 50, 1, 200)), ct);
                return new { success = true, backups = page.Items.Select(BackupResponse.From), total = page.Total };
            case "get_backup":
                var found = await backups.GetAsync(Required(req.BackupJobId, "backupJobId"), ct);
                return new { success = true, backup = BackupResponse.From(found), report = found.VerificationReport };
            case "run_due_schedules":
                RequireOperator();
                var fired = await schedules.RunDueAsync(DateTimeOffset.UtcNow, User.Actor(), ct);
                return new { success = true, fired };
            default:
                throw new DomainException(req.Action is null
                    ? $"action is required: one of {string.Join(", ", Actions)}."
                    : $"Unknown action '{req.Action}': use one of {string.Join(", ", Actions)}.", "action", 400);
        }
    }

    private void RequireOperator()
    {
        if (!Domain.Identity.Roles.Operators.Contains(User.FindFirstValue(OpenIddict.Abstractions.OpenIddictConstants.Claims.Role)))
            throw new DomainException("This action needs the operator or admin role.", null, 403);
    }

    private static Guid Required(Guid? value, string field) =>
        value ?? throw new DomainException($"{field} is required for this action.", field, 400);

    private Task Fail(int status, string error, CancellationToken ct) => Send.ResponseAsync(new { success = false, error }, status, ct);
}
