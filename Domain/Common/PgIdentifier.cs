using System.Text.RegularExpressions;

namespace BackupPortal.Domain.Common;

/// <summary>Names we put into SQL must be plain identifiers: no quoting games, at most 63 bytes.</summary>
public static partial class PgIdentifier
{
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Plain();

    public static bool IsValid(string? name) => name is not null && Plain().IsMatch(name);

    /// <summary>Double-quotes an identifier for SQL, doubling embedded quotes.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    public static string Quote(string schema, string name) => Quote(schema) + "." + Quote(name);
}
