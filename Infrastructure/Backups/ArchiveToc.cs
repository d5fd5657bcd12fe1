using System.Security.Cryptography;
using System.Text;
using BackupPortal.Domain.Backups;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>One line of <c>pg_restore --list</c>: <c>dumpId; catalogOid objectOid TYPE schema tag owner</c>.</summary>
public sealed record TocEntry(string Line, uint ObjectOid, string Type, string Schema, string Rest);

/// <summary>
/// The archive's table of contents, and the selection of entries a partial restore needs. Entries are matched to
/// tables by the oids recorded at backup time (indexes, constraints, triggers… carry their own oid in the TOC) and,
/// for entries without an oid (comments, grants, sequence values), by name.
/// </summary>
public sealed class ArchiveToc
{
    // Longest first, so "TABLE DATA" wins over "TABLE".
    private static readonly string[] Types =
    [
        "MATERIALIZED VIEW DATA", "SEQUENCE OWNED BY", "TEXT SEARCH CONFIGURATION", "TEXT SEARCH DICTIONARY",
        "TEXT SEARCH PARSER", "TEXT SEARCH TEMPLATE", "FOREIGN DATA WRAPPER", "PUBLICATION TABLES IN SCHEMA",
        "PUBLICATION TABLE", "MATERIALIZED VIEW", "CHECK CONSTRAINT", "DATABASE PROPERTIES", "BLOB METADATA",
        "FK CONSTRAINT", "EVENT TRIGGER", "FOREIGN TABLE", "INDEX ATTACH", "LARGE OBJECT", "OPERATOR CLASS",
        "OPERATOR FAMILY", "ROW SECURITY", "SECURITY LABEL", "SEQUENCE SET", "TABLE ATTACH", "TABLE DATA",
        "ACCESS METHOD", "DEFAULT ACL", "SHELL TYPE", "TRANSFORM", "SEARCHPATH", "STDSTRINGS", "ENCODING",
        "CONSTRAINT", "CONVERSION", "COLLATION", "EXTENSION", "PROCEDURE", "AGGREGATE", "PUBLICATION",
        "SUBSCRIPTION", "STATISTICS", "SEQUENCE", "FUNCTION", "OPERATOR", "DATABASE", "TRIGGER", "COMMENT",
        "DEFAULT", "DOMAIN", "SCHEMA", "SERVER", "POLICY", "INDEX", "TABLE", "BLOBS", "BLOB", "CAST", "RULE",
        "TYPE", "VIEW", "ACL",
    ];

    // Entries that belong to some table or view; everything else is database-wide groundwork (schemas, types, functions).
    private static readonly HashSet<string> TableBound =
    [
        "TABLE", "TABLE DATA", "TABLE ATTACH", "INDEX", "INDEX ATTACH", "CONSTRAINT", "FK CONSTRAINT",
        "CHECK CONSTRAINT", "TRIGGER", "DEFAULT", "SEQUENCE", "SEQUENCE SET", "SEQUENCE OWNED BY", "POLICY",
        "ROW SECURITY", "RULE", "STATISTICS", "VIEW", "MATERIALIZED VIEW", "MATERIALIZED VIEW DATA",
        "FOREIGN TABLE", "PUBLICATION", "PUBLICATION TABLE", "PUBLICATION TABLES IN SCHEMA", "SUBSCRIPTION",
        "COMMENT", "ACL", "SECURITY LABEL", "DEFAULT ACL", "BLOB", "BLOBS", "BLOB METADATA", "LARGE OBJECT",
        "EVENT TRIGGER",
    ];

    private static readonly string[] GroundworkObjects = ["EXTENSION", "SCHEMA", "TYPE", "DOMAIN", "FUNCTION", "PROCEDURE", "AGGREGATE"];

    private ArchiveToc(IReadOnlyList<TocEntry> entries) => Entries = entries;

    public IReadOnlyList<TocEntry> Entries { get; }

    public static ArchiveToc Parse(string list)
    {
        var entries = new List<TocEntry>();
        foreach (var raw in list.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith(';')) continue;
            var semicolon = line.IndexOf(';');
            var parts = line[(semicolon + 2)..].Split(' ', 3);
            if (semicolon < 0 || parts.Length < 3) continue;
            var type = Types.FirstOrDefault(t => parts[2].StartsWith(t + " ", StringComparison.Ordinal));
            if (type is null) continue;
            var afterType = parts[2][(type.Length + 1)..];
            var space = afterType.IndexOf(' ');
            var schema = space < 0 ? afterType : afterType[..space];
            var rest = space < 0 ? "" : afterType[(space + 1)..];
            entries.Add(new TocEntry(line, uint.Parse(parts[1]), type, schema, rest));
        }
        return new ArchiveToc(entries);
    }

    /// <summary>A stable fingerprint of the archive's objects, ignoring the timestamped header.</summary>
    public static string Fingerprint(string list)
    {
        var body = string.Join('\n', list.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith(';')));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
    }

    /// <summary>
    /// The list file for <c>pg_restore -L</c> that restores the given tables with everything that belongs to them.
    /// Into a new database it also brings the groundwork (schemas, types, functions) the tables may need, and leaves
    /// out foreign keys to tables it does not restore, reporting them.
    /// </summary>
    public (string ListFile, List<string> SkippedForeignKeys) Select(IReadOnlyCollection<ArchivedTable> tables, bool intoNewDatabase)
    {
        var selected = tables.Select(t => t.QualifiedName).ToHashSet(StringComparer.Ordinal);
        var oids = new HashSet<uint>();
        var skipped = new List<string>();
        foreach (var table in tables)
        {
            oids.Add(table.Oid);
            foreach (var oid in table.DependentOids)
            {
                if (intoNewDatabase && table.ForeignKeys.TryGetValue(oid, out var target) && !selected.Contains(target))
                {
                    skipped.Add($"{table.QualifiedName} → {target}");
                    continue;
                }
                oids.Add(oid);
            }
        }
        var sequences = tables.SelectMany(t => t.OwnedSequences).ToHashSet(StringComparer.Ordinal);

        bool ByName(TocEntry e) => e.Type switch
        {
            "SEQUENCE SET" or "SEQUENCE OWNED BY" => sequences.Contains($"{e.Schema}.{Tag(e)}"),
            "COMMENT" or "ACL" or "SECURITY LABEL" => NamesOneOf(e.Schema, Tag(e), tables, sequences),
            "ROW SECURITY" => selected.Contains($"{e.Schema}.{Tag(e)}"),
            _ => false,
        };

        bool Groundwork(TocEntry e) => !TableBound.Contains(e.Type)
            || (e.Type is "COMMENT" or "ACL" && GroundworkObjects.Any(g => e.Rest.StartsWith(g + " ", StringComparison.Ordinal)));

        var lines = Entries
            .Where(e => (e.ObjectOid != 0 && oids.Contains(e.ObjectOid)) || ByName(e) || (intoNewDatabase && Groundwork(e)))
            .Select(e => e.Line);
        return (string.Join('\n', lines) + "\n", skipped);
    }

    private static bool NamesOneOf(string schema, string tag, IEnumerable<ArchivedTable> tables, HashSet<string> sequences) =>
        tables.Any(t => t.Schema == schema && (tag == $"TABLE {t.Name}" || tag.StartsWith($"COLUMN {t.Name}.", StringComparison.Ordinal)))
        || (tag.StartsWith("SEQUENCE ", StringComparison.Ordinal) && sequences.Contains($"{schema}.{tag["SEQUENCE ".Length..]}"));

    /// <summary>The tag without the trailing owner.</summary>
    private static string Tag(TocEntry e)
    {
        var space = e.Rest.LastIndexOf(' ');
        return space < 0 ? e.Rest : e.Rest[..space];
    }
}
