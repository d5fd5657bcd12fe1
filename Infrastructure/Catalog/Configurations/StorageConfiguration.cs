using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class StorageLocationConfiguration : IEntityTypeConfiguration<StorageLocation>
{
    public void Configure(EntityTypeBuilder<StorageLocation> builder)
    {
        builder.ToTable("storage_locations");
        builder.HasIndex(l => l.Name).IsUnique();
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.Bucket).HasMaxLength(63);
        // One default location, the one from BACKUP_STORAGE_PATH.
        builder.HasIndex(l => l.IsDefault).IsUnique().HasFilter("is_default");
    }
}

internal sealed class BackupCopyConfiguration : IEntityTypeConfiguration<BackupCopy>
{
    public void Configure(EntityTypeBuilder<BackupCopy> builder)
    {
        builder.ToTable("backup_copies");
        builder.HasOne<BackupJob>().WithMany().HasForeignKey(c => c.BackupJobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<StorageLocation>().WithMany().HasForeignKey(c => c.LocationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.BackupJobId, c.LocationId }).IsUnique();
        builder.HasIndex(c => new { c.LocationId, c.Status });
        builder.Property(c => c.ChecksumSha256).HasMaxLength(64);
    }
}
