using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Restores;
using BackupPortal.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class RestoreOperationConfiguration : IEntityTypeConfiguration<RestoreOperation>
{
    public void Configure(EntityTypeBuilder<RestoreOperation> builder)
    {
        builder.ToTable("restore_operations");
        builder.HasOne<BackupJob>().WithMany().HasForeignKey(r => r.BackupJobId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<BackupJob>().WithMany().HasForeignKey(r => r.SafetyBackupId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Source>().WithMany().HasForeignKey(r => r.TargetSourceId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.TargetDatabase).HasMaxLength(63);
        builder.Property(r => r.RequestedBy).HasMaxLength(200);
        builder.Property(r => r.RowCounts).HasColumnType("jsonb");
        builder.Property(r => r.Instance).HasColumnType("jsonb");
        builder.Property(r => r.Timings).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.HasIndex(r => r.CreatedAt);
    }
}
