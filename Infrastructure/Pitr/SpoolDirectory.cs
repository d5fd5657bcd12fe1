using BackupPortal.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>The local directories pg_receivewal writes into: completed files wait here for archiving, the partial segment stays.</summary>
public sealed class SpoolDirectory(IOptions<PitrOptions> options, IOptions<StorageOptions> storage)
{
    private const string PartialSuffix = ".partial";

    private readonly string _root = Path.GetFullPath(options.Value.SpoolPath ?? Path.Combine(storage.Value.Path!, "_spool"));

    public string For(Guid sourceId) => Path.Combine(_root, sourceId.ToString("N"));

    /// <summary>Completed segments and history files, oldest first.</summary>
    public IEnumerable<string> Completed(Guid sourceId)
    {
        var directory = For(sourceId);
        if (!Directory.Exists(directory)) return [];
        return Directory.EnumerateFiles(directory)
            .Where(f => Path.GetFileName(f) is var name && (name.Length == 24 || name.EndsWith(".history", StringComparison.Ordinal)) && name[..8].All(Uri.IsHexDigit))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The segment being received, if any: its name and path.</summary>
    public (string Name, string Path)? Partial(Guid sourceId)
    {
        var directory = For(sourceId);
        if (!Directory.Exists(directory)) return null;
        var file = Directory.EnumerateFiles(directory, "*" + PartialSuffix).Order(StringComparer.Ordinal).LastOrDefault();
        return file is null ? null : (Path.GetFileName(file)[..^PartialSuffix.Length], file);
    }

    /// <summary>When WAL last arrived: the newest write to any file of the source's spool.</summary>
    public DateTimeOffset? NewestWrite(Guid sourceId)
    {
        var directory = For(sourceId);
        if (!Directory.Exists(directory)) return null;
        var newest = Directory.EnumerateFiles(directory).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty().Max();
        return newest == default ? null : new DateTimeOffset(newest, TimeSpan.Zero);
    }
}
