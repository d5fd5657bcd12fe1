using System.IO.Compression;
using System.Security.Cryptography;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Storage;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>
/// A stored artifact opened for reading: every chunk is authenticated as it is decrypted (and decompressed when it was
/// compressed), and once read to its end both checksums are compared with the recorded ones.
/// </summary>
public sealed class ArtifactStream : IAsyncDisposable
{
    private readonly HashingStream _stored;
    private readonly HashingStream _plain;
    private readonly DecryptingStream _decrypted;

    private ArtifactStream(Stream stored, MasterKeyRing keys, bool compressed)
    {
        _stored = new HashingStream(stored);
        _decrypted = new DecryptingStream(_stored, keys);
        _plain = new HashingStream(compressed ? new GZipStream(_decrypted, CompressionMode.Decompress) : _decrypted);
    }

    public Stream Plain => _plain;
    public long PlaintextBytes => _plain.BytesTransferred;

    /// <summary>Once read to the end: what was stored and what it held, as an archive records them.</summary>
    public string KeyId => _decrypted.KeyId;
    public long StoredBytes => _stored.BytesTransferred;
    public string StoredSha256 => _stored.HashHex();
    public string PlaintextSha256 => _plain.HashHex();

    /// <summary>Opens the first copy that can be read; with <paramref name="size"/>, a copy of another size is passed over.</summary>
    public static async Task<ArtifactStream> OpenAsync(
        ReplicatedStorage storage, MasterKeyRing keys, string path, bool compressed, CancellationToken cancellationToken, long? size = null) =>
        new(await storage.OpenReadAsync(path, size, cancellationToken), keys, compressed);

    /// <summary>Call once <see cref="Plain"/> has been read to its end.</summary>
    public void EnsureMatches(string? storedSha256, string? plaintextSha256, string what)
    {
        if (_stored.HashHex() != storedSha256 || (plaintextSha256 is not null && _plain.HashHex() != plaintextSha256))
            throw new CryptographicException($"{what} does not match its recorded checksums (stored SHA-256 {_stored.HashHex()}, recorded {storedSha256}).");
    }

    public ValueTask DisposeAsync() => _plain.DisposeAsync();
}
