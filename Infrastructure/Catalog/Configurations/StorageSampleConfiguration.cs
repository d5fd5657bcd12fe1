using BackupPortal.Domain.Monitoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class StorageSampleConfiguration : IEntityTypeConfiguration<StorageSample>
{
    public void Configure(EntityTypeBuilder<StorageSample> builder)
    {
        builder.ToTable("storage_samples");
        builder.Property(s => s.Location).HasMaxLength(100);
        builder.Property(s => s.BackupType).HasMaxLength(20);
        builder.HasIndex(s => new { s.SampledAt, s.Location });
    }
}
