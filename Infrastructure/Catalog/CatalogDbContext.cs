using BackupPortal.Domain.Alerts;
using BackupPortal.Domain.Audit;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Monitoring;
using BackupPortal.Domain.Pitr;
using BackupPortal.Domain.Restores;
using BackupPortal.Domain.Schedules;
using BackupPortal.Domain.Sources;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Catalog.Configurations;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Catalog;

/// <summary>The catalog: what we protect, what we took, what we restored; who may do it and what they did.</summary>
public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<BackupSchedule> BackupSchedules => Set<BackupSchedule>();
    public DbSet<BackupJob> BackupJobs => Set<BackupJob>();
    public DbSet<BackupMetric> BackupMetrics => Set<BackupMetric>();
    public DbSet<RestoreOperation> RestoreOperations => Set<RestoreOperation>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<MasterKeyRecord> MasterKeys => Set<MasterKeyRecord>();
    public DbSet<WalSegment> WalSegments => Set<WalSegment>();
    public DbSet<StorageSample> StorageSamples => Set<StorageSample>();
    public DbSet<AlertRule> AlertRules => Set<AlertRule>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertChannel> AlertChannels => Set<AlertChannel>();
    public DbSet<AlertDelivery> AlertDeliveries => Set<AlertDelivery>();
    public DbSet<StorageLocation> StorageLocations => Set<StorageLocation>();
    public DbSet<BackupCopy> BackupCopies => Set<BackupCopy>();
    public DbSet<Domain.Drills.RestoreDrill> RestoreDrills => Set<Domain.Drills.RestoreDrill>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<AppUser>().ToTable("users");
        modelBuilder.Entity<IdentityRole<Guid>>().ToTable("roles");
        modelBuilder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        modelBuilder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        modelBuilder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        modelBuilder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        modelBuilder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        // Listed rather than scanned: scanning loads every type of the assembly, and with them the S3 and mail
        // libraries, into every process that opens the catalog. A configuration left out here shows up as a pending model change.
        modelBuilder.ApplyConfiguration(new SourceConfiguration()).ApplyConfiguration(new BackupScheduleConfiguration())
            .ApplyConfiguration(new BackupJobConfiguration()).ApplyConfiguration(new BackupMetricConfiguration())
            .ApplyConfiguration(new RestoreOperationConfiguration()).ApplyConfiguration(new AuditConfiguration())
            .ApplyConfiguration(new MasterKeyConfiguration()).ApplyConfiguration(new WalSegmentConfiguration())
            .ApplyConfiguration(new StorageSampleConfiguration()).ApplyConfiguration(new AlertRuleConfiguration())
            .ApplyConfiguration(new AlertConfiguration()).ApplyConfiguration(new AlertChannelConfiguration())
            .ApplyConfiguration(new AlertDeliveryConfiguration()).ApplyConfiguration(new StorageLocationConfiguration())
            .ApplyConfiguration(new BackupCopyConfiguration()).ApplyConfiguration(new DrillConfiguration());
        modelBuilder.UseOpenIddict();
        // Snake-case naming does not reach OpenIddict's own entities.
        modelBuilder.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>().ToTable("openiddict_applications");
        modelBuilder.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreAuthorization>().ToTable("openiddict_authorizations");
        modelBuilder.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreScope>().ToTable("openiddict_scopes");
        modelBuilder.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().ToTable("openiddict_tokens");
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<BackupType>().HaveConversion<SnakeCaseEnumConverter<BackupType>>();
        configurationBuilder.Properties<JobStatus>().HaveConversion<SnakeCaseEnumConverter<JobStatus>>();
        configurationBuilder.Properties<VerificationStatus>().HaveConversion<SnakeCaseEnumConverter<VerificationStatus>>();
        configurationBuilder.Properties<BackupTrigger>().HaveConversion<SnakeCaseEnumConverter<BackupTrigger>>();
        configurationBuilder.Properties<RestoreType>().HaveConversion<SnakeCaseEnumConverter<RestoreType>>();
        configurationBuilder.Properties<RestoreStatus>().HaveConversion<SnakeCaseEnumConverter<RestoreStatus>>();
        configurationBuilder.Properties<AlertKind>().HaveConversion<SnakeCaseEnumConverter<AlertKind>>();
        configurationBuilder.Properties<AlertSeverity>().HaveConversion<SnakeCaseEnumConverter<AlertSeverity>>();
        configurationBuilder.Properties<AlertState>().HaveConversion<SnakeCaseEnumConverter<AlertState>>();
        configurationBuilder.Properties<ChannelType>().HaveConversion<SnakeCaseEnumConverter<ChannelType>>();
        configurationBuilder.Properties<DeliveryStatus>().HaveConversion<SnakeCaseEnumConverter<DeliveryStatus>>();
        configurationBuilder.Properties<StorageType>().HaveConversion<SnakeCaseEnumConverter<StorageType>>();
        configurationBuilder.Properties<CopyState>().HaveConversion<SnakeCaseEnumConverter<CopyState>>();
        configurationBuilder.Properties<JobCopyStatus>().HaveConversion<SnakeCaseEnumConverter<JobCopyStatus>>();
        configurationBuilder.Properties<Domain.Drills.DrillStatus>().HaveConversion<SnakeCaseEnumConverter<Domain.Drills.DrillStatus>>();
        configurationBuilder.Properties<Domain.Drills.DrillTrigger>().HaveConversion<SnakeCaseEnumConverter<Domain.Drills.DrillTrigger>>();
    }
}
