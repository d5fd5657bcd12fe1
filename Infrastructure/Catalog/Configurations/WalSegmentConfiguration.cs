using BackupPortal.Domain.Pitr;
using BackupPortal.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class WalSegmentConfiguration : IEntityTypeConfiguration<WalSegment>
{
    public void Configure(EntityTypeBuilder<WalSegment> builder)
    {
        builder.ToTable("wal_segments");
        builder.HasOne<Source>().WithMany().HasForeignKey(w => w.SourceId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(w => w.FileName).HasMaxLength(64);
        builder.Property(w => w.ChecksumSha256).HasMaxLength(64);
        builder.Property(w => w.PlaintextSha256).HasMaxLength(64);
        // A segment received twice (after a receiver restart) is archived once.
        builder.HasIndex(w => new { w.SourceId, w.FileName }).IsUnique();
        builder.HasIndex(w => new { w.SourceId, w.Timeline, w.SegmentNumber });
    }
}
