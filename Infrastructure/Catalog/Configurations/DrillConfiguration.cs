using BackupPortal.Domain.Drills;
using BackupPortal.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class DrillConfiguration : IEntityTypeConfiguration<RestoreDrill>
{
    public void Configure(EntityTypeBuilder<RestoreDrill> builder)
    {
        builder.ToTable("restore_drills");
        builder.HasOne<Source>().WithMany().HasForeignKey(d => d.SourceId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.Checks).HasColumnType("jsonb");
        builder.Property(d => d.RequestedBy).HasMaxLength(200);
        // A schedule occurrence fires one drill, however many instances tick.
        builder.HasIndex(d => new { d.SourceId, d.ScheduledFor }).IsUnique();
        builder.HasIndex(d => new { d.SourceId, d.CompletedAt });
        builder.HasIndex(d => d.Status);
    }
}
