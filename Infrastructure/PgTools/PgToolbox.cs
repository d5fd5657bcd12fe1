using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.PgTools;

/// <summary>Finds the PostgreSQL client tools and knows their version.</summary>
public sealed partial class PgToolbox(IOptions<PgToolsOptions> options)
{
    private readonly Lazy<(int Major, string Text)> _version = new(() => ReadVersion(Path.Combine(options.Value.BinDir, "pg_dump")));

    public string PgDump => Tool("pg_dump");
    public string PgRestore => Tool("pg_restore");
    public string Psql => Tool("psql");

    public int MajorVersion => _version.Value.Major;
    public string VersionText => _version.Value.Text;

    /// <summary>pg_dump refuses servers newer than itself; older ones it can read.</summary>
    public bool CanDump(int serverMajor) => serverMajor <= MajorVersion;

    private string Tool(string name)
    {
        var path = Path.Combine(options.Value.BinDir, name);
        return File.Exists(path) ? path : throw new PgToolException($"{name} was not found in {options.Value.BinDir}; set PG_BIN_DIR to the PostgreSQL bin directory.");
    }

    private static (int, string) ReadVersion(string pgDump)
    {
        if (!File.Exists(pgDump))
            throw new PgToolException($"pg_dump was not found at {pgDump}; set PG_BIN_DIR to the PostgreSQL bin directory.");
        using var process = Process.Start(new ProcessStartInfo(pgDump, "--version") { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        var match = Major().Match(text);
        return (match.Success ? int.Parse(match.Groups[1].Value) : 0, text);
    }

    [GeneratedRegex(@"\)\s+(\d+)")]
    private static partial Regex Major();
}
