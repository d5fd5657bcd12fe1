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

    /// <summary>Free space where the artifacts are written, or null when the location cannot tell.</summary>
    long? FreeBytes();

    /// <summary>Writes, reads back and deletes a probe file.</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);
}

/// <summary>An upload in progress. Disposing it without <see cref="CommitAsync"/> discards it.</summary>
public interface IArtifactUpload : IAsyncDisposable
{
    Stream Stream { get; }

    Task CommitAsync(CancellationToken cancellationToken);
}
