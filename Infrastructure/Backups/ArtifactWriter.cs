using System.IO.Compression;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Storage;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>What storage holds once an artifact is committed, what went into it, and where each copy stands.</summary>
public sealed record StoredArtifact(long Bytes, string Sha256, long PlaintextBytes, string PlaintextSha256, string KeyId, List<CopyOutcome> Copies)
{
    /// <summary>The locations holding a checked copy, in policy order.</summary>
    public List<Guid> StoredIn => [.. Copies.Where(c => c.Stored).Select(c => c.Replica.Location.Id)];
}

/// <summary>
/// The pipeline every artifact goes through: SHA-256 of the plain bytes, optional gzip, chunked AES-256-GCM, SHA-256 of
/// the stored bytes, into every location of the policy at once under a temporary name. Commit renames it, checks each
/// copy (uploading a failed one again from a good one) and that the header unwraps with the master key; disposing
/// without commit discards the upload.
/// </summary>
public sealed class ArtifactWriter : IAsyncDisposable
{
    private readonly ReplicatedStorage _storage;
    private readonly MasterKeyRing _keys;
    private readonly string _path;
    private readonly FanOutUpload _upload;
    private readonly HashingStream _stored;
    private readonly EncryptingStream _encrypted;
    private readonly GZipStream? _gzip;
    private readonly HashingStream _plain;

    private ArtifactWriter(ReplicatedStorage storage, MasterKeyRing keys, string path, FanOutUpload upload, bool compress)
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
        ReplicatedStorage storage, MasterKeyRing keys, string path, bool compress, CancellationToken cancellationToken, bool replace = false) =>
        new(storage, keys, path, (FanOutUpload)await storage.BeginWriteAsync(path, cancellationToken, replace), compress);

    public async Task<StoredArtifact> CommitAsync(CancellationToken cancellationToken)
    {
        if (_gzip is not null) await _gzip.DisposeAsync();
        _encrypted.Finish();
        await _upload.CommitAsync(cancellationToken);
        var copies = await _storage.SettleAsync(_upload, _stored.BytesTransferred, _stored.HashHex(), cancellationToken);
        // Readable: the stored header unwraps its data key with the master key.
        var good = copies.First(c => c.Stored).Replica.Driver;
        await using (new DecryptingStream(await good.OpenReadAsync(_path, cancellationToken), _keys)) { }
        return new StoredArtifact(_stored.BytesTransferred, _stored.HashHex(), _plain.BytesTransferred, _plain.HashHex(), _encrypted.KeyId, copies);
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
