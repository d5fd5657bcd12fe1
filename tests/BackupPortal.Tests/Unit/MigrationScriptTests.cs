using BackupPortal.Infrastructure;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BackupPortal.Tests.Unit;

public sealed class MigrationScriptTests
{
    /// <summary>DBAs who deploy by hand run migrations/catalog.sql; it must say exactly what the migrations do.</summary>
    [Fact]
    public void The_hand_deploy_sql_script_matches_the_migrations()
    {
        using var db = new CatalogDbContext(new DbContextOptionsBuilder<CatalogDbContext>()
            .UseNpgsql("Host=localhost;Database=backupportal", o => o.MigrationsAssembly(DependencyInjection.MigrationsAssembly))
            .UseSnakeCaseNamingConvention()
            .UseOpenIddict()
            .Options);
        var expected = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var path = Path.Combine(BackupPortal.Tests.Infrastructure.RepoPaths.Root, "migrations", "catalog.sql");
        Assert.True(File.Exists(path), "migrations/catalog.sql is missing: dotnet ef migrations script --idempotent --project migrations --startup-project migrations -o migrations/catalog.sql");
        Assert.True(Normalize(File.ReadAllText(path)) == Normalize(expected),
            "migrations/catalog.sql is stale: regenerate it with dotnet ef migrations script --idempotent --project migrations --startup-project migrations -o migrations/catalog.sql");
    }

    private static string Normalize(string sql) => string.Join('\n', sql.Replace("\r", "").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0));
}
