using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.PgTools;

/// <summary>Finds the PostgreSQL client tools and knows their version.</summary>
public sealed partial class PgToolbox(IOptions<PgToolsOptions> options)
{
    private readonly Lazy<(int Major, string Text)> _version = new(() => ReadVersion(Path.Combine(options.Value.BinDir, "pg_dump")));
    private readonly Lazy<(int Major, string Text)> _serverVersion = new(() => ReadVersion(Path.Combine(options.Value.BinDir, "postgres")));

    public string PgDump => Tool("pg_dump");
    public string PgRestore => Tool("pg_restore");
    public string Psql => Tool("psql");
    public string PgBasebackup => Tool("pg_basebackup");
    public string PgReceivewal => Tool("pg_receivewal");
    public string PgVerifybackup => Tool("pg_verifybackup");
    public string PgWaldump => Tool("pg_waldump");
    public string PgCtl => Tool("pg_ctl");

    public int MajorVersion => _version.Value.Major;
    public string VersionText => _version.Value.Text;

    /// <summary>Major version of the local <c>postgres</c> server binary, which replays WAL; null when only client tools are installed.</summary>
    public int? ServerMajorVersion => File.Exists(Path.Combine(options.Value.BinDir, "postgres")) ? _serverVersion.Value.Major : null;

    /// <summary>pg_dump refuses servers newer than itself; older ones it can read.</summary>
    public bool CanDump(int serverMajor) => serverMajor <= MajorVersion;

    private string Tool(string name)
    {
        var path = Path.Combine(options.Value.BinDir, name);
        return File.Exists(path) ? path : throw new PgToolException($"{name} was not found in {options.Value.BinDir}; set PG_BIN_DIR to the PostgreSQL bin directory.");
    }

    private static (int, string) ReadVersion(string tool)
    {
        if (!File.Exists(tool))
            throw new PgToolException($"{Path.GetFileName(tool)} was not found at {tool}; set PG_BIN_DIR to the PostgreSQL bin directory.");
        using var process = Process.Start(new ProcessStartInfo(tool, "--version") { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        var match = Major().Match(text);
        return (match.Success ? int.Parse(match.Groups[1].Value) : 0, text);
    }

    [GeneratedRegex(@"\)\s+(\d+)")]
    private static partial Regex Major();
}
