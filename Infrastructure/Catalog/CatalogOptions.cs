namespace BackupPortal.Infrastructure.Catalog;

public sealed class CatalogOptions
{
    /// <summary><c>ConnectionStrings__Catalog</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>Catalog__MigrateOnStartup</c>: create the database if missing and apply pending migrations.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
