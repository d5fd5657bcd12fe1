using BackupPortal.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class SourceConfiguration : IEntityTypeConfiguration<Source>
{
    public void Configure(EntityTypeBuilder<Source> builder)
    {
        builder.ToTable("sources");
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.Name).HasMaxLength(100);
        builder.Property(s => s.Host).HasMaxLength(255);
        builder.Property(s => s.DatabaseName).HasMaxLength(63);
        builder.Property(s => s.Username).HasMaxLength(63);
        builder.Property(s => s.SslMode).HasMaxLength(20);
        builder.Ignore(s => s.SlotName);
        // Sources from before storage policies write to the default location.
        builder.Property(s => s.StorageLocationIds).HasDefaultValueSql("'{}'::uuid[]");
        builder.Property(s => s.SqlChecks).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb");
        // Existing sources get the default drill schedule from the migration's column defaults.
        builder.Property(s => s.DrillCronExpression).HasMaxLength(100);
    }
}
