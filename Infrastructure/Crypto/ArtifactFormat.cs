using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>
/// The encrypted artifact layout: a header (magic, version, master key id, a random artifact id, the per-artifact data
/// key wrapped by the master key, the chunk size), then AES-256-GCM chunks. Each chunk's associated data binds the
/// artifact id, the chunk's index and whether it is the last one, so reordering, truncation, splicing two artifacts or
/// any flipped byte fails authentication before its plaintext is released. The wrapped key is deliberately not bound
/// into the chunks: re-wrapping under a new master key rewrites only the header.
/// </summary>
internal static class ArtifactFormat
{
    public static readonly byte[] Magic = "BPAR"u8.ToArray();
    public const byte Version = 1;
    public const int ChunkSize = 1 << 20;
    public const int TagSize = 16;
    public const int NonceSize = 12;
    public const uint FinalFlag = 0x8000_0000;
    public const string WrapPurpose = "artifact data key wrap";

    public const int ArtifactIdSize = 16;

    public static byte[] BuildHeader(string keyId, ReadOnlySpan<byte> wrapKey, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> artifactId = default)
    {
        var id = Encoding.ASCII.GetBytes(keyId);
        var prefix = new byte[Magic.Length + 2 + id.Length + ArtifactIdSize];
        Magic.CopyTo(prefix, 0);
        prefix[4] = Version;
        prefix[5] = (byte)id.Length;
        id.CopyTo(prefix, 6);
        if (artifactId.IsEmpty) RandomNumberGenerator.Fill(prefix.AsSpan(6 + id.Length, ArtifactIdSize));
        else artifactId.CopyTo(prefix.AsSpan(6 + id.Length, ArtifactIdSize));

        var header = new byte[prefix.Length + NonceSize + 32 + TagSize + 4];
        prefix.CopyTo(header, 0);
        var nonce = header.AsSpan(prefix.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var gcm = new AesGcm(wrapKey, TagSize))
            gcm.Encrypt(nonce, dataKey, header.AsSpan(prefix.Length + NonceSize, 32), header.AsSpan(prefix.Length + NonceSize + 32, TagSize), prefix);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(header.Length - 4), ChunkSize);
        return header;
    }

    /// <summary>Reads the header from the stream and unwraps the data key with the master key it names.</summary>
    public static (byte[] Header, byte[] DataKey, int ChunkSize) ReadHeader(Stream input, MasterKeyRing keys)
    {
        var start = new byte[6];
        input.ReadExactly(start);
        if (!start.AsSpan(0, 4).SequenceEqual(Magic) || start[4] != Version)
            throw new CryptographicException("Not a BackupPortal encrypted artifact (bad magic or version).");
        var rest = new byte[start[5] + ArtifactIdSize + NonceSize + 32 + TagSize + 4];
        input.ReadExactly(rest);
        var header = new byte[start.Length + rest.Length];
        start.CopyTo(header, 0);
        rest.CopyTo(header, start.Length);

        var prefixLength = 6 + start[5] + ArtifactIdSize;
        var keyId = Encoding.ASCII.GetString(header, 6, start[5]);
        var dataKey = new byte[32];
        using (var gcm = new AesGcm(keys.Derive(keyId, WrapPurpose), TagSize))
            gcm.Decrypt(header.AsSpan(prefixLength, NonceSize), header.AsSpan(prefixLength + NonceSize, 32),
                header.AsSpan(prefixLength + NonceSize + 32, TagSize), dataKey, header.AsSpan(0, prefixLength));
        var chunkSize = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(header.Length - 4));
        if (chunkSize is <= 0 or > 64 << 20)
            throw new CryptographicException("The artifact header names an impossible chunk size.");
        return (header, dataKey, chunkSize);
    }

    public static void ChunkNonce(Span<byte> nonce, long index)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], index);
    }

    /// <summary>
    /// The header of the same artifact with its data key wrapped by the current master key. The artifact id and chunk
    /// size stay, so every chunk still authenticates.
    /// </summary>
    public static (byte[] OldHeader, byte[] NewHeader) Rewrap(Stream input, MasterKeyRing keys)
    {
        var (header, dataKey, chunkSize) = ReadHeader(input, keys);
        if (chunkSize != ChunkSize)
            throw new CryptographicException($"The artifact uses {chunkSize}-byte chunks; this version re-wraps only {ChunkSize}-byte ones.");
        var artifactId = header.AsSpan(6 + header[5], ArtifactIdSize);
        var rewrapped = BuildHeader(keys.CurrentId, keys.Derive(keys.CurrentId, WrapPurpose), dataKey, artifactId);
        CryptographicOperations.ZeroMemory(dataKey);
        return (header, rewrapped);
    }

    /// <summary>What every chunk is bound to: the artifact id and the chunk size, from the header.</summary>
    public static byte[] Binding(ReadOnlySpan<byte> header)
    {
        var idStart = 6 + header[5];
        return [.. header.Slice(idStart, ArtifactIdSize), .. header[^4..]];
    }

    public static void ChunkAad(Span<byte> aad, ReadOnlySpan<byte> binding, long index, bool final)
    {
        binding.CopyTo(aad);
        BinaryPrimitives.WriteInt64BigEndian(aad.Slice(ArtifactIdSize + 4, 8), index);
        aad[ArtifactIdSize + 12] = final ? (byte)1 : (byte)0;
    }

    public const int AadSize = ArtifactIdSize + 4 + 8 + 1;
}
