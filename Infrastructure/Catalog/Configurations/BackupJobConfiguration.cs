using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Schedules;
using BackupPortal.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class BackupJobConfiguration : IEntityTypeConfiguration<BackupJob>
{
    public void Configure(EntityTypeBuilder<BackupJob> builder)
    {
        builder.ToTable("backup_jobs");
        builder.HasOne<Source>().WithMany().HasForeignKey(j => j.SourceId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<BackupSchedule>().WithMany().HasForeignKey(j => j.ScheduleId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(j => j.DatabaseName).HasMaxLength(63);
        builder.Property(j => j.ChecksumSha256).HasMaxLength(64);
        builder.Property(j => j.Details).HasColumnType("jsonb");
        builder.Property(j => j.VerificationReport).HasColumnType("jsonb");
        builder.HasIndex(j => j.CreatedAt);
        builder.HasIndex(j => new { j.SourceId, j.CreatedAt });
        builder.HasIndex(j => j.Status);
        builder.HasIndex(j => new { j.ScheduleId, j.ScheduledFor }).IsUnique();
        // One backup at a time per source; backups run inside another job (a restore's safety backup, an incremental's base) are exempt.
        builder.HasIndex(j => j.SourceId).IsUnique().HasFilter("status = 'running' AND trigger NOT IN ('safety', 'prerequisite')").HasDatabaseName("ix_backup_jobs_one_running_per_source");
        builder.Property(j => j.WorkerId).HasMaxLength(100);
        builder.Property(j => j.Attempt).HasDefaultValue(1);
        builder.HasIndex(j => j.RetryOfId).IsUnique().HasFilter("retry_of_id IS NOT NULL");
        builder.Property(j => j.CancelRequestedBy).HasMaxLength(200);
    }
}

internal sealed class BackupMetricConfiguration : IEntityTypeConfiguration<BackupMetric>
{
    public void Configure(EntityTypeBuilder<BackupMetric> builder)
    {
        builder.ToTable("backup_metrics");
        builder.HasOne<BackupJob>().WithMany().HasForeignKey(m => m.BackupJobId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.MetricName).HasMaxLength(100);
        builder.Property(m => m.Unit).HasMaxLength(20);
        builder.HasIndex(m => new { m.BackupJobId, m.MetricName });
    }
}

internal sealed class BackupScheduleConfiguration : IEntityTypeConfiguration<BackupSchedule>
{
    public void Configure(EntityTypeBuilder<BackupSchedule> builder)
    {
        builder.ToTable("backup_schedules");
        builder.HasOne<Source>().WithMany().HasForeignKey(s => s.SourceId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.CronExpression).HasMaxLength(100);
        builder.Property(s => s.TimeZone).HasMaxLength(64);
        builder.Property(s => s.MaxAttempts).HasDefaultValue(3);
        builder.Property(s => s.RetryBackoffSeconds).HasDefaultValue(60);
        // Defaults for rows written by hand; the sentinel makes EF send an explicit 0 (a valid "keep none").
        builder.Property(s => s.KeepDaily).HasDefaultValue(7).HasSentinel(-1);
        builder.Property(s => s.KeepWeekly).HasDefaultValue(4).HasSentinel(-1);
        builder.Property(s => s.KeepMonthly).HasDefaultValue(12).HasSentinel(-1);
        builder.Property(s => s.KeepYearly).HasDefaultValue(0).HasSentinel(-1);
    }
}
