using BackupPortal.Infrastructure;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace BackupPortal.Migrations;

/// <summary>Lets <c>dotnet ef</c> build the model without starting the Api; no database is contacted.</summary>
public sealed class DesignTimeCatalogFactory : IDesignTimeDbContextFactory<CatalogDbContext>
{
    public CatalogDbContext CreateDbContext(string[] args) => new(new DbContextOptionsBuilder<CatalogDbContext>()
        .UseNpgsql("Host=localhost;Database=backupportal", o => o.MigrationsAssembly(DependencyInjection.MigrationsAssembly))
        .UseSnakeCaseNamingConvention()
        .UseOpenIddict()
        .Options);
}
