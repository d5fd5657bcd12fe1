using BackupPortal.Infrastructure.Alerts;
using BackupPortal.Infrastructure.Audit;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Identity;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.Monitoring;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Pitr;
using BackupPortal.Infrastructure.Restores;
using BackupPortal.Infrastructure.Retention;
using BackupPortal.Infrastructure.Schedules;
using BackupPortal.Infrastructure.Sources;
using BackupPortal.Infrastructure.Storage;
using Coravel;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure;

public static class DependencyInjection
{
    public const string MigrationsAssembly = "BackupPortal.Migrations";

    public static IHostApplicationBuilder AddInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        // Every catalog statement at Information floods the log and slows jobs, whatever appsettings is (or is not) found.
        // A failing statement reaches our code as an exception and is reported there; EF's own copy (such as the
        // expected miss on __EFMigrationsHistory in a new catalog) is noise.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Critical);

        services.AddOptions<CatalogOptions>().BindConfiguration("Catalog")
            .Configure(o => o.ConnectionString = config.GetConnectionString("Catalog"))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Set ConnectionStrings__Catalog to the catalog's PostgreSQL connection string.")
            .ValidateOnStart();
        services.AddOptions<EncryptionOptions>()
            .Configure(o => (o.Key, o.PreviousKeys) = (config["BACKUP_ENCRYPTION_KEY"], config["BACKUP_ENCRYPTION_PREVIOUS_KEYS"]))
            .Validate(o => MasterKeyRing.IsValidKey(o.Key), "Set BACKUP_ENCRYPTION_KEY to the base64 of 32 random bytes (openssl rand -base64 32).")
            .ValidateOnStart();
        services.AddOptions<StorageOptions>()
            .BindConfiguration("Storage")
            .Configure(o => o.Path = config["BACKUP_STORAGE_PATH"])
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Set BACKUP_STORAGE_PATH to the directory backups are stored in.")
            .ValidateOnStart();
        services.AddOptions<PgToolsOptions>()
            .Configure(o => o.BinDir = config["PG_BIN_DIR"] ?? o.BinDir)
            .Validate(o => File.Exists(Path.Combine(o.BinDir, "pg_dump")), "PG_BIN_DIR must name a directory holding pg_dump, pg_restore and psql.")
            .ValidateOnStart();
        services.AddOptions<VerificationOptions>().BindConfiguration("Verification")
            .PostConfigure(o => o.ConnectionString ??= config.GetConnectionString("Catalog"));
        services.AddOptions<WorkerOptions>().BindConfiguration("Worker");
        services.AddOptions<RestoreOptions>().BindConfiguration("Restore")
            .Validate(o => o.Jobs is >= 1 and <= 64, "Restore__Jobs must be between 1 and 64.")
            .ValidateOnStart();
        services.AddOptions<PitrOptions>().BindConfiguration("Pitr");
        services.AddOptions<AlertOptions>().BindConfiguration("Alerts");
        services.AddOptions<SmtpOptions>().BindConfiguration("Smtp");
        services.AddHttpClient("alerts", c => c.Timeout = TimeSpan.FromSeconds(10));

        services.AddSingleton(sp =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<CatalogOptions>>().Value.ConnectionString);
            dataSource.EnableDynamicJson();
            return dataSource.Build();
        });
        services.AddDbContext<CatalogDbContext>((sp, options) => options
            .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention()
            .UseOpenIddict());

        services.AddSingleton<MasterKeyRing>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<PgToolbox>();
        services.AddSingleton<StorageDrivers>();
        services.AddScoped<StorageLocations>();
        services.AddScoped<StorageUsage>();
        services.AddScoped<StorageService>();
        services.AddScoped<Reindexer>();
        services.AddScoped<Drills.DrillService>();
        services.AddScoped<Drills.DrillRunner>();
        services.AddSingleton<JobSignal>();
        services.AddScoped<SourceConnector>();
        services.AddScoped<SourceService>();
        services.AddScoped<BackupService>();
        services.AddScoped<BackupRunner>();
        services.AddScoped<BackupVerifier>();
        services.AddScoped<VerificationService>();
        services.AddScoped<ArtifactReader>();
        services.AddScoped<ParallelRestore>();
        services.AddScoped<RestoreRunner>();
        services.AddScoped<RestoreService>();
        services.AddSingleton<SpoolDirectory>();
        services.AddScoped<WalArchive>();
        services.AddScoped<PitrService>();
        services.AddScoped<PhysicalBackupRunner>();
        services.AddScoped<PhysicalVerifier>();
        services.AddScoped<PointInTimeRecovery>();
        services.AddScoped<ScheduleService>();
        services.AddScoped<KeyService>();
        services.AddScoped<AuditService>();
        services.AddScoped<UserService>();
        services.AddScoped<ClientService>();
        services.AddTransient<TokenPruning>();
        services.AddTransient<SandboxJanitor>();
        services.AddTransient<StorageSampler>();
        services.AddScoped<MetricsService>();
        services.AddSingleton<PrometheusMetrics>();
        services.AddScoped<AlertConditions>();
        services.AddScoped<AlertEvaluator>();
        services.AddScoped<AlertDispatcher>();
        services.AddScoped<AlertSenders>();
        services.AddScoped<AlertService>();
        services.AddScoped<SelfTest>();
        services.AddTransient<ScheduleTicker>();
        services.AddScoped<RetentionService>();
        services.AddTransient<RetentionCleanup>();
        services.AddOptions<SchedulerOptions>().BindConfiguration("Scheduler");
        services.AddScheduler();

        services.AddIdentityCore<AppUser>(o =>
            {
                o.Password.RequiredLength = 10;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._@";
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<CatalogDbContext>();

        // Order matters: the catalog exists before anything reads it.
        services.AddHostedService<CatalogInitializer>();
        // The default location before anything writes, rotated keys before any job or request needs them.
        StartupStep<StorageService>.Add(services, (storage, ct) => storage.EnsureDefaultAsync(ct));
        StartupStep<KeyService>.Add(services, (keys, ct) => keys.LoadAsync(ct));
        services.AddHostedService<IdentityBootstrap>();
        services.AddHostedService<DefaultSourceRegistrar>();
        StartupStep<AlertService>.Add(services, (alerts, ct) => alerts.SeedDefaultsAsync(ct));
        // Worker__Enabled=false makes an instance that only serves the Api; jobs then run in --worker-only processes.
        if (config.GetValue("Worker:Enabled", true)) services.AddHostedService<JobWorker>();
        if (config.GetValue("Pitr:ReceiversEnabled", true)) services.AddHostedService<WalReceivers>();
        if (config.GetValue("Alerts:Enabled", true)) services.AddHostedService<AlertLoop>();
        return builder;
    }

    /// <summary>Recurring maintenance on Coravel's scheduler.</summary>
    public static IHost UseInfrastructure(this IHost host)
    {
        var firesSchedules = host.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value.Enabled;
        host.Services.UseScheduler(s =>
        {
            s.Schedule<TokenPruning>().Hourly().PreventOverlapping(nameof(TokenPruning));
            s.Schedule<SandboxJanitor>().Hourly().PreventOverlapping(nameof(SandboxJanitor));
            if (!firesSchedules) return;
            s.Schedule<ScheduleTicker>().EveryFiveSeconds().PreventOverlapping(nameof(ScheduleTicker));
            s.Schedule<RetentionCleanup>().Hourly().PreventOverlapping(nameof(RetentionCleanup));
            s.Schedule<StorageSampler>().Cron("*/15 * * * *").PreventOverlapping(nameof(StorageSampler));
        });
        return host;
    }
}
