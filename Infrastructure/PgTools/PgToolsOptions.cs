namespace BackupPortal.Infrastructure.PgTools;

/// <summary><c>PG_BIN_DIR</c>: where pg_dump, pg_restore and psql live.</summary>
public sealed class PgToolsOptions
{
    public string BinDir { get; set; } = "/usr/lib/postgresql/15/bin";
}
