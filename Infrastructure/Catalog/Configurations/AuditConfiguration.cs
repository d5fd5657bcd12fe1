using BackupPortal.Domain.Audit;
using BackupPortal.Infrastructure.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace BackupPortal.Infrastructure.Catalog.Configurations;

internal sealed class AuditConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Actor).HasMaxLength(200);
        builder.Property(a => a.ActorRole).HasMaxLength(20);
        builder.Property(a => a.Action).HasMaxLength(200);
        builder.Property(a => a.Target).HasMaxLength(400);
        builder.Property(a => a.Outcome).HasMaxLength(100);
        builder.Property(a => a.RemoteAddress).HasMaxLength(64);
        builder.Property(a => a.PrevHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => a.Actor);
    }
}

internal sealed class MasterKeyConfiguration : IEntityTypeConfiguration<MasterKeyRecord>
{
    public void Configure(EntityTypeBuilder<MasterKeyRecord> builder)
    {
        builder.ToTable("master_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(40);
    }
}
