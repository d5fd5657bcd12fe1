using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>
/// The encrypted artifact layout: a header naming the master key and carrying the wrapped per-artifact data key,
/// then AES-256-GCM chunks. Each chunk's associated data binds the header, the chunk's index and whether it is the
/// last one, so reordering, truncation or any flipped byte fails authentication before its plaintext is released.
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

    public static byte[] BuildHeader(string keyId, ReadOnlySpan<byte> wrapKey, ReadOnlySpan<byte> dataKey)
    {
        var id = Encoding.ASCII.GetBytes(keyId);
        var prefix = new byte[Magic.Length + 2 + id.Length];
        Magic.CopyTo(prefix, 0);
        prefix[4] = Version;
        prefix[5] = (byte)id.Length;
        id.CopyTo(prefix, 6);

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
        var rest = new byte[start[5] + NonceSize + 32 + TagSize + 4];
        input.ReadExactly(rest);
        var header = new byte[start.Length + rest.Length];
        start.CopyTo(header, 0);
        rest.CopyTo(header, start.Length);

        var prefixLength = 6 + start[5];
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

    public static void ChunkAad(Span<byte> aad, ReadOnlySpan<byte> headerHash, long index, bool final)
    {
        headerHash.CopyTo(aad);
        BinaryPrimitives.WriteInt64BigEndian(aad.Slice(32, 8), index);
        aad[40] = final ? (byte)1 : (byte)0;
    }

    public const int AadSize = 41;
}
