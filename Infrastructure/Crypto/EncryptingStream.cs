using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>
/// Write-only stream that encrypts into <see cref="ArtifactFormat"/> chunks. A full chunk is held back until more data
/// arrives, so the chunk written by <see cref="Finish"/> is always marked final. Synchronous, like the pump that feeds it.
/// </summary>
public sealed class EncryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly AesGcm _gcm;
    private readonly byte[] _binding;
    // Pooled: a backup holds these two buffers for its whole length; new ones would land on the large-object heap each job.
    private readonly byte[] _plain = ArrayPool<byte>.Shared.Rent(ArtifactFormat.ChunkSize);
    private readonly byte[] _cipher = ArrayPool<byte>.Shared.Rent(4 + ArtifactFormat.ChunkSize + ArtifactFormat.TagSize);
    private int _filled;
    private long _index;
    private bool _finished;
    private bool _disposed;

    public EncryptingStream(Stream inner, MasterKeyRing keys)
    {
        _inner = inner;
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var header = ArtifactFormat.BuildHeader(keys.CurrentId, keys.Derive(keys.CurrentId, ArtifactFormat.WrapPurpose), dataKey);
        _binding = ArtifactFormat.Binding(header);
        _gcm = new AesGcm(dataKey, ArtifactFormat.TagSize);
        CryptographicOperations.ZeroMemory(dataKey);
        KeyId = keys.CurrentId;
        _inner.Write(header);
    }

    public string KeyId { get; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_filled == ArtifactFormat.ChunkSize) Seal(final: false);
            var take = Math.Min(buffer.Length, ArtifactFormat.ChunkSize - _filled);
            buffer[..take].CopyTo(_plain.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Writes the final chunk. Without it a reader reports the artifact as truncated.</summary>
    public void Finish()
    {
        if (_finished) return;
        Seal(final: true);
        _inner.Flush();
        _finished = true;
    }

    private void Seal(bool final)
    {
        Span<byte> nonce = stackalloc byte[ArtifactFormat.NonceSize];
        Span<byte> aad = stackalloc byte[ArtifactFormat.AadSize];
        ArtifactFormat.ChunkNonce(nonce, _index);
        ArtifactFormat.ChunkAad(aad, _binding, _index, final);
        BinaryPrimitives.WriteUInt32BigEndian(_cipher, (uint)_filled | (final ? ArtifactFormat.FinalFlag : 0));
        _gcm.Encrypt(nonce, _plain.AsSpan(0, _filled), _cipher.AsSpan(4, _filled), _cipher.AsSpan(4 + _filled, ArtifactFormat.TagSize), aad);
        _inner.Write(_cipher, 0, 4 + _filled + ArtifactFormat.TagSize);
        _filled = 0;
        _index++;
    }

    protected override void Dispose(bool disposing)
    {
        // Twice would hand the pooled buffers back twice.
        if (disposing && !_disposed)
        {
            _disposed = true;
            _gcm.Dispose();
            ArrayPool<byte>.Shared.Return(_plain);
            ArrayPool<byte>.Shared.Return(_cipher);
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
