using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.PgTools;
using Npgsql;

namespace BackupPortal.Infrastructure.Sources;

/// <summary>Turns a catalog source into a live login, and tells what its server is.</summary>
public sealed class SourceConnector(SecretProtector secrets, PgToolbox tools)
{
    public PgEndpoint For(Source source, string? database = null) => new(
        source.Host, source.Port, source.Username,
        source.PasswordEncrypted is null ? null : secrets.Unprotect(source.PasswordEncrypted),
        source.SslMode, database ?? source.DatabaseName);

    public async Task<ConnectionTestResult> TestAsync(Source source, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await For(source).OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "select current_setting('server_version'), current_setting('server_version_num')::int / 10000, pg_database_size(current_database())",
                connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var major = reader.GetInt32(1);
            return new ConnectionTestResult(true, reader.GetString(0), major, reader.GetInt64(2), tools.VersionText, tools.CanDump(major), null);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return new ConnectionTestResult(false, null, null, null, tools.VersionText, null, e.Message);
        }
    }
}

public sealed record ConnectionTestResult(
    bool Ok, string? ServerVersion, int? ServerMajorVersion, long? DatabaseSizeBytes,
    string PgDumpVersion, bool? PgDumpCompatible, string? Error)
{
    /// <summary>Whether the server allows continuous archiving for point-in-time recovery, and what to change if not.</summary>
    public Pitr.PitrReadiness? Pitr { get; init; }

    /// <summary>Whether the local postgres can replay this server's WAL (same major version).</summary>
    public bool? PitrServerCompatible { get; init; }
}
