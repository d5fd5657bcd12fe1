namespace BackupPortal.Infrastructure.Storage;

/// <summary>A directory on a local (or mounted) file system.</summary>
public sealed class LocalBackupStorage(string name, string root) : IBackupStorage
{
    private const string PartialMarker = ".partial-";
    private readonly string _root = System.IO.Path.GetFullPath(root).TrimEnd(System.IO.Path.DirectorySeparatorChar);

    public string Name => name;

    public Task<IArtifactUpload> BeginWriteAsync(string path, CancellationToken cancellationToken, bool replace = false)
    {
        var final = Resolve(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(final)!);
        var temp = final + PartialMarker + Guid.NewGuid().ToString("N")[..8];
        var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        return Task.FromResult<IArtifactUpload>(new Upload(stream, temp, final, replace));
    }

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        var file = Resolve(path);
        if (!File.Exists(file))
            throw new FileNotFoundException($"The artifact '{path}' is missing from storage '{Name}'.");
        return Task.FromResult<Stream>(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true));
    }

    public Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(Resolve(path));
        return Task.FromResult<long?>(info.Exists ? info.Length : null);
    }

    /// <summary>Overwrites the file with zeros before deleting it, so expired backups do not linger on the disk's free blocks.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var file = Resolve(path);
        if (!File.Exists(file)) return;
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            var zeros = new byte[1 << 20];
            for (var left = stream.Length; left > 0; left -= zeros.Length)
                await stream.WriteAsync(zeros.AsMemory(0, (int)Math.Min(zeros.Length, left)), cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        File.Delete(file);
    }

    public Task<int> DeleteUnfinishedAsync(string path, CancellationToken cancellationToken)
    {
        var final = Resolve(path);
        var directory = System.IO.Path.GetDirectoryName(final)!;
        if (!Directory.Exists(directory)) return Task.FromResult(0);
        var leftovers = Directory.EnumerateFiles(directory, System.IO.Path.GetFileName(final) + PartialMarker + "*").ToList();
        leftovers.ForEach(File.Delete);
        return Task.FromResult(leftovers.Count);
    }

    public StorageSpace? Space()
    {
        Directory.CreateDirectory(_root);
        var drive = new DriveInfo(_root);
        return new StorageSpace(drive.AvailableFreeSpace, drive.TotalSize);
    }

    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(_root);
            var probe = System.IO.Path.Combine(_root, $".probe-{Guid.NewGuid():N}");
            await File.WriteAllTextAsync(probe, "ok", cancellationToken);
            var ok = await File.ReadAllTextAsync(probe, cancellationToken) == "ok";
            File.Delete(probe);
            return ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => Files(prefix).ToAsyncEnumerable();

    private IEnumerable<StoredObject> Files(string prefix)
    {
        var directory = System.IO.Path.Combine(_root, prefix);
        if (!Directory.Exists(directory)) yield break;
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (file.Contains(PartialMarker, StringComparison.Ordinal) || System.IO.Path.GetFileName(file).StartsWith(".probe-", StringComparison.Ordinal)) continue;
            var info = new FileInfo(file);
            if (info.Exists) yield return new StoredObject(System.IO.Path.GetRelativePath(_root, file), info.Length, info.LastWriteTimeUtc);
        }
    }

    /// <summary>Keeps every path inside the root, whatever a stored path says.</summary>
    private string Resolve(string path)
    {
        var full = System.IO.Path.GetFullPath(System.IO.Path.Combine(_root, path));
        if (!full.StartsWith(_root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidOperationException($"Storage path '{path}' escapes the storage root.");
        return full;
    }

    private sealed class Upload(FileStream stream, string temp, string final, bool replace) : IArtifactUpload
    {
        private bool _committed;

        public Stream Stream => stream;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
            File.Move(temp, final, overwrite: replace);
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!_committed) File.Delete(temp);
        }
    }
}
