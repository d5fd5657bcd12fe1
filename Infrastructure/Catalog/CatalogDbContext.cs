using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Restores;
using BackupPortal.Domain.Schedules;
using BackupPortal.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace BackupPortal.Infrastructure.Catalog;

/// <summary>The catalog: what we protect, what we took, what we restored. Also holds OpenIddict's tables.</summary>
public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<BackupSchedule> BackupSchedules => Set<BackupSchedule>();
    public DbSet<BackupJob> BackupJobs => Set<BackupJob>();
    public DbSet<BackupMetric> BackupMetrics => Set<BackupMetric>();
    public DbSet<RestoreOperation> RestoreOperations => Set<RestoreOperation>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CatalogDbContext).Assembly);
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
    }
}
