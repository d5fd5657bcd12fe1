using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Schedules;
using FluentValidation;

namespace BackupPortal.Api.Features.Schedules;

public class ScheduleRequest
{
    public string Name { get; set; } = "";
    public Guid SourceId { get; set; }
    public string BackupType { get; set; } = "full";
    public string CronExpression { get; set; } = "";
    public string TimeZone { get; set; } = "UTC";
    public bool IsActive { get; set; } = true;
    public int RetentionDays { get; set; } = 30;
    public int MaxAttempts { get; set; } = 3;
    public int RetryBackoffSeconds { get; set; } = 60;
    public int KeepDaily { get; set; } = 7;
    public int KeepWeekly { get; set; } = 4;
    public int KeepMonthly { get; set; } = 12;
    public int KeepYearly { get; set; }

    /// <summary>Overrides the source's storage policy for this schedule; null (or absent) keeps the source's.</summary>
    public List<Guid>? StorageLocationIds { get; set; }

    public ScheduleInput ToInput() => new(
        Name.Trim(), SourceId, Enums.ParseOrNull<BackupType>(BackupType)!.Value, CronExpression, TimeZone, IsActive, RetentionDays,
        MaxAttempts, RetryBackoffSeconds, KeepDaily, KeepWeekly, KeepMonthly, KeepYearly, StorageLocationIds);
}

public static class ScheduleRules
{
    public static void ValidCron<T>(this AbstractValidator<T> validator, Func<T, string> cron, Func<T, string> zone)
    {
        validator.RuleFor(r => cron(r)).Custom((value, context) =>
        {
            if (CronRules.CronError(value) is { } error) context.AddFailure("cronExpression", error);
        });
        validator.RuleFor(r => zone(r)).Custom((value, context) =>
        {
            if (CronRules.TimeZoneError(value) is { } error) context.AddFailure("timeZone", error);
        });
    }
}

public abstract class ScheduleRequestValidator<T> : FastEndpoints.Validator<T> where T : ScheduleRequest
{
    protected ScheduleRequestValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
        RuleFor(r => r.SourceId).NotEmpty();
        RuleFor(r => r.BackupType).Must(t => Enums.TryParse<BackupType>(t, out _))
            .WithMessage(r => $"backupType '{r.BackupType}' is unknown; use one of: {Enums.Names<BackupType>()}.");
        RuleFor(r => r.RetentionDays).InclusiveBetween(1, 36500);
        RuleFor(r => r.MaxAttempts).InclusiveBetween(1, 10);
        RuleFor(r => r.RetryBackoffSeconds).InclusiveBetween(1, 86400);
        RuleFor(r => r.KeepDaily).InclusiveBetween(0, 3650);
        RuleFor(r => r.KeepWeekly).InclusiveBetween(0, 520);
        RuleFor(r => r.KeepMonthly).InclusiveBetween(0, 1200);
        RuleFor(r => r.KeepYearly).InclusiveBetween(0, 100);
        this.ValidCron(r => r.CronExpression, r => r.TimeZone);
    }
}
