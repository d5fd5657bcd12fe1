using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>
/// Read-only stream over an encrypted artifact. Each chunk is authenticated before any of its plaintext is returned,
/// so corrupted or truncated storage stops the reader before a consumer sees a byte of bad data. Synchronous: the
/// pump runs on its own thread, where plain reads cost far less than async hops.
/// </summary>
public sealed class DecryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly AesGcm _gcm;
    private readonly byte[] _binding;
    private readonly int _chunkSize;
    private readonly byte[] _cipher;
    private readonly byte[] _plain;
    private int _plainOffset;
    private int _plainLength;
    private long _index;
    private bool _sawFinal;
    private bool _disposed;

    public DecryptingStream(Stream inner, MasterKeyRing keys)
    {
        _inner = inner;
        var (header, dataKey, chunkSize) = ArtifactFormat.ReadHeader(inner, keys);
        KeyId = System.Text.Encoding.ASCII.GetString(header, 6, header[5]);
        _binding = ArtifactFormat.Binding(header);
        _chunkSize = chunkSize;
        _gcm = new AesGcm(dataKey, ArtifactFormat.TagSize);
        CryptographicOperations.ZeroMemory(dataKey);
        _cipher = ArrayPool<byte>.Shared.Rent(chunkSize + ArtifactFormat.TagSize);
        _plain = ArrayPool<byte>.Shared.Rent(chunkSize);
    }

    public string KeyId { get; }

    public override int Read(Span<byte> buffer)
    {
        while (_plainOffset == _plainLength)
        {
            if (_sawFinal) return 0;
            ReadChunk();
        }
        var take = Math.Min(buffer.Length, _plainLength - _plainOffset);
        _plain.AsSpan(_plainOffset, take).CopyTo(buffer);
        _plainOffset += take;
        return take;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>
    /// Moves <paramref name="count"/> plaintext bytes forward. Whole chunks in between are passed over without being
    /// decrypted (seeking when the storage allows it), so a reader that wants a few ranges of a large artifact pays only
    /// for those; what it does read is still authenticated chunk by chunk.
    /// </summary>
    public void Skip(long count)
    {
        while (count > 0)
        {
            if (_plainOffset < _plainLength)
            {
                var take = (int)Math.Min(count, _plainLength - _plainOffset);
                _plainOffset += take;
                count -= take;
                continue;
            }
            if (_sawFinal) throw new CryptographicException("A read past the end of the artifact was asked for.");
            var (length, final) = ReadChunkLength();
            if (final || length > count)
            {
                DecryptChunk(length, final);
                continue;
            }
            var cipherBytes = length + ArtifactFormat.TagSize;
            if (_inner.CanSeek) _inner.Seek(cipherBytes, SeekOrigin.Current);
            else if (_inner.ReadAtLeast(_cipher.AsSpan(0, cipherBytes), cipherBytes, throwOnEndOfStream: false) < cipherBytes)
                throw new CryptographicException($"The artifact is truncated inside chunk {_index}.");
            _index++;
            count -= length;
        }
    }

    private void ReadChunk()
    {
        var (length, final) = ReadChunkLength();
        DecryptChunk(length, final);
    }

    private (int Length, bool Final) ReadChunkLength()
    {
        Span<byte> lengthBytes = stackalloc byte[4];
        if (_inner.ReadAtLeast(lengthBytes, 4, throwOnEndOfStream: false) < 4)
            throw new CryptographicException($"The artifact is truncated: it ends after chunk {_index} without its final chunk.");
        var word = BinaryPrimitives.ReadUInt32BigEndian(lengthBytes);
        var length = (int)(word & ~ArtifactFormat.FinalFlag);
        if (length > _chunkSize)
            throw new CryptographicException($"Chunk {_index} claims {length} bytes, more than the artifact's chunk size.");
        return (length, (word & ArtifactFormat.FinalFlag) != 0);
    }

    private void DecryptChunk(int length, bool final)
    {
        var total = length + ArtifactFormat.TagSize;
        if (_inner.ReadAtLeast(_cipher.AsSpan(0, total), total, throwOnEndOfStream: false) < total)
            throw new CryptographicException($"The artifact is truncated inside chunk {_index}.");

        Span<byte> nonce = stackalloc byte[ArtifactFormat.NonceSize];
        Span<byte> aad = stackalloc byte[ArtifactFormat.AadSize];
        ArtifactFormat.ChunkNonce(nonce, _index);
        ArtifactFormat.ChunkAad(aad, _binding, _index, final);
        try
        {
            _gcm.Decrypt(nonce, _cipher.AsSpan(0, length), _cipher.AsSpan(length, ArtifactFormat.TagSize), _plain.AsSpan(0, length), aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException($"Chunk {_index} of the artifact failed authentication: the stored data was altered or corrupted.");
        }
        if (final && _inner.Read(stackalloc byte[1]) != 0)
            throw new CryptographicException("The artifact has data after its final chunk.");
        _sawFinal = final;
        _index++;
        _plainOffset = 0;
        _plainLength = length;
    }

    protected override void Dispose(bool disposing)
    {
        // Twice would hand the pooled buffers back twice.
        if (disposing && !_disposed)
        {
            _disposed = true;
            _gcm.Dispose();
            _inner.Dispose();
            ArrayPool<byte>.Shared.Return(_plain);
            ArrayPool<byte>.Shared.Return(_cipher);
        }
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
