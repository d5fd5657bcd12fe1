using BackupPortal.Domain.Common;
using BackupPortal.Infrastructure.PgTools;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Catalog;

/// <summary>Creates the catalog database when it is missing and applies pending migrations, before anything else starts.</summary>
public sealed class CatalogInitializer(IServiceScopeFactory scopes, IOptions<CatalogOptions> options, ILogger<CatalogInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup) return;
        var catalog = PgEndpoint.FromConnectionString(options.Value.ConnectionString!);
        if (!PgIdentifier.IsValid(catalog.Database))
            throw new InvalidOperationException($"The catalog database name '{catalog.Database}' must be a plain identifier.");
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.Value.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("select exists(select 1 from pg_database where datname = @name)", connection);
            exists.Parameters.AddWithValue("name", catalog.Database);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                await using var create = new NpgsqlCommand($"create database {PgIdentifier.Quote(catalog.Database)}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                logger.LogInformation("Created catalog database {Database}", catalog.Database);
            }
        }
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0) return;
        await db.Database.MigrateAsync(cancellationToken);
        logger.LogInformation("Applied catalog migrations: {Migrations}", string.Join(", ", pending));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
