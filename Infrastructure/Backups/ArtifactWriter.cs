using System.IO.Compression;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Storage;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>What storage holds once an artifact is committed, and what went into it.</summary>
public sealed record StoredArtifact(long Bytes, string Sha256, long PlaintextBytes, string PlaintextSha256, string KeyId);

/// <summary>
/// The pipeline every artifact goes through: SHA-256 of the plain bytes, optional gzip, chunked AES-256-GCM, SHA-256 of
/// the stored bytes, into storage under a temporary name. Commit renames it, then checks the stored size and that the
/// header unwraps with the master key; disposing without commit discards the upload.
/// </summary>
public sealed class ArtifactWriter : IAsyncDisposable
{
    private readonly IBackupStorage _storage;
    private readonly MasterKeyRing _keys;
    private readonly string _path;
    private readonly IArtifactUpload _upload;
    private readonly HashingStream _stored;
    private readonly EncryptingStream _encrypted;
    private readonly GZipStream? _gzip;
    private readonly HashingStream _plain;

    private ArtifactWriter(IBackupStorage storage, MasterKeyRing keys, string path, IArtifactUpload upload, bool compress)
    {
        (_storage, _keys, _path, _upload) = (storage, keys, path, upload);
        _stored = new HashingStream(upload.Stream, leaveOpen: true);
        _encrypted = new EncryptingStream(_stored, keys);
        _gzip = compress ? new GZipStream(_encrypted, CompressionLevel.Fastest, leaveOpen: true) : null;
        _plain = new HashingStream(_gzip ?? (Stream)_encrypted, leaveOpen: true);
    }

    /// <summary>Where the plain bytes go.</summary>
    public Stream Input => _plain;

    public static async Task<ArtifactWriter> BeginAsync(
        IBackupStorage storage, MasterKeyRing keys, string path, bool compress, CancellationToken cancellationToken, bool replace = false) =>
        new(storage, keys, path, await storage.BeginWriteAsync(path, cancellationToken, replace), compress);

    public async Task<StoredArtifact> CommitAsync(CancellationToken cancellationToken)
    {
        if (_gzip is not null) await _gzip.DisposeAsync();
        _encrypted.Finish();
        await _upload.CommitAsync(cancellationToken);
        var size = await _storage.GetSizeAsync(_path, cancellationToken);
        if (size != _stored.BytesTransferred)
            throw new IOException($"Storage holds {size?.ToString() ?? "no"} bytes for {_path}; {_stored.BytesTransferred} were written.");
        // Readable: the stored header unwraps its data key with the master key.
        await using (new DecryptingStream(await _storage.OpenReadAsync(_path, cancellationToken), _keys)) { }
        return new StoredArtifact(_stored.BytesTransferred, _stored.HashHex(), _plain.BytesTransferred, _plain.HashHex(), _encrypted.KeyId);
    }

    public async ValueTask DisposeAsync()
    {
        await _plain.DisposeAsync();
        if (_gzip is not null) await _gzip.DisposeAsync();
        await _encrypted.DisposeAsync();
        await _stored.DisposeAsync();
        await _upload.DisposeAsync();
    }
}
