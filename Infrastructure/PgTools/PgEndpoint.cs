using Npgsql;

namespace BackupPortal.Infrastructure.PgTools;

/// <summary>A PostgreSQL server and login. Tools get it through PG* environment variables, never on the command line.</summary>
public sealed record PgEndpoint(string Host, int Port, string Username, string? Password, string SslMode, string Database)
{
    public PgEndpoint WithDatabase(string database) => this with { Database = database };

    public string ConnectionString(bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = Username,
        Password = Password,
        Database = Database,
        SslMode = Enum.Parse<SslMode>(SslMode.Replace("-", ""), ignoreCase: true),
        Pooling = pooling,
        Timeout = 15,
        CommandTimeout = 0,
        ApplicationName = "BackupPortal",
    }.ConnectionString;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionString(pooling: false));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public Dictionary<string, string?> Environment() => new()
    {
        ["PGHOST"] = Host,
        ["PGPORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PGUSER"] = Username,
        ["PGPASSWORD"] = Password,
        ["PGSSLMODE"] = SslMode,
        ["PGDATABASE"] = Database,
        ["PGAPPNAME"] = "BackupPortal",
        ["PGCONNECT_TIMEOUT"] = "15",
    };

    public static PgEndpoint FromConnectionString(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var ssl = b.SslMode switch
        {
            Npgsql.SslMode.VerifyCA => "verify-ca",
            Npgsql.SslMode.VerifyFull => "verify-full",
            var m => m.ToString().ToLowerInvariant(),
        };
        return new PgEndpoint(b.Host ?? "localhost", b.Port, b.Username ?? "postgres", b.Password, ssl, b.Database ?? "postgres");
    }

    public override string ToString() => $"{Username}@{Host}:{Port}/{Database}";
}
