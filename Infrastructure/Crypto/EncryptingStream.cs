using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>
/// Write-only stream that encrypts into <see cref="ArtifactFormat"/> chunks. A full chunk is held back until more data
/// arrives, so the chunk written by <see cref="FinishAsync"/> is always marked final.
/// </summary>
public sealed class EncryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly AesGcm _gcm;
    private readonly byte[] _binding;
    // Pooled: a backup runs two of these buffers for its whole length, and every job would otherwise add 2 MiB to the large-object heap.
    private readonly byte[] _plain = ArrayPool<byte>.Shared.Rent(ArtifactFormat.ChunkSize);
    private readonly byte[] _cipher = ArrayPool<byte>.Shared.Rent(4 + ArtifactFormat.ChunkSize + ArtifactFormat.TagSize);
    private int _filled;
    private long _index;
    private bool _finished;

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

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            if (_filled == ArtifactFormat.ChunkSize)
            {
                await _inner.WriteAsync(Seal(final: false), cancellationToken);
            }
            var take = Math.Min(buffer.Length, ArtifactFormat.ChunkSize - _filled);
            buffer[..take].CopyTo(_plain.AsMemory(_filled));
            _filled += take;
            buffer = buffer[take..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Writes the final chunk. Without it a reader reports the artifact as truncated.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (_finished) return;
        await _inner.WriteAsync(Seal(final: true), cancellationToken);
        await _inner.FlushAsync(cancellationToken);
        _finished = true;
    }

    private ReadOnlyMemory<byte> Seal(bool final)
    {
        Span<byte> nonce = stackalloc byte[ArtifactFormat.NonceSize];
        Span<byte> aad = stackalloc byte[ArtifactFormat.AadSize];
        ArtifactFormat.ChunkNonce(nonce, _index);
        ArtifactFormat.ChunkAad(aad, _binding, _index, final);
        BinaryPrimitives.WriteUInt32BigEndian(_cipher, (uint)_filled | (final ? ArtifactFormat.FinalFlag : 0));
        _gcm.Encrypt(nonce, _plain.AsSpan(0, _filled), _cipher.AsSpan(4, _filled), _cipher.AsSpan(4 + _filled, ArtifactFormat.TagSize), aad);
        var length = 4 + _filled + ArtifactFormat.TagSize;
        _filled = 0;
        _index++;
        return _cipher.AsMemory(0, length);
    }

    private bool _disposed;

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
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
