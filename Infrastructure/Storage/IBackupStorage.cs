namespace BackupPortal.Infrastructure.Storage;

/// <summary>Where artifacts live. Writes go to a temporary name and appear under the real one only on commit.</summary>
public interface IBackupStorage
{
    string Name { get; }

    /// <summary>Starts an upload; with <paramref name="replace"/> its commit replaces an existing file atomically.</summary>
    Task<IArtifactUpload> BeginWriteAsync(string path, CancellationToken cancellationToken, bool replace = false);

    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken);

    Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken);

    Task DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>Removes unfinished uploads of one artifact, left by a worker that died or was stopped.</summary>
    Task<int> DeleteUnfinishedAsync(string path, CancellationToken cancellationToken);

    /// <summary>Free and total space where the artifacts are written, or null when the location cannot tell.</summary>
    StorageSpace? Space();

    /// <summary>Writes, reads back and deletes a probe file.</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);

    /// <summary>Every finished object under a prefix (paths relative to the location), for re-indexing and usage.</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);
}

public sealed record StoredObject(string Path, long Size, DateTimeOffset LastModified);

public sealed record StorageSpace(long FreeBytes, long TotalBytes)
{
    public double FreePercent => TotalBytes == 0 ? 0 : Math.Round(100.0 * FreeBytes / TotalBytes, 2);
}

/// <summary>An upload in progress. Disposing it without <see cref="CommitAsync"/> discards it.</summary>
public interface IArtifactUpload : IAsyncDisposable
{
    Stream Stream { get; }

    Task CommitAsync(CancellationToken cancellationToken);
}
