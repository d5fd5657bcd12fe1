using System.Security.Cryptography;
using BackupPortal.Infrastructure.Crypto;
using Microsoft.Extensions.Options;

namespace BackupPortal.Tests.Unit;

public sealed class ArtifactEncryptionTests
{
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly MasterKeyRing _keys = new(Options.Create(new EncryptionOptions { Key = Key }));

    private Task<byte[]> EncryptAsync(byte[] plain, bool finish = true)
    {
        var output = new MemoryStream();
        using (var encrypting = new EncryptingStream(output, _keys))
        {
            // Odd write sizes cross chunk boundaries.
            for (var offset = 0; offset < plain.Length; offset += 70_001)
                encrypting.Write(plain.AsSpan(offset, Math.Min(70_001, plain.Length - offset)));
            if (finish) encrypting.Finish();
        }
        return Task.FromResult(output.ToArray());
    }

    private async Task<byte[]> DecryptAsync(byte[] stored, MasterKeyRing? keys = null)
    {
        await using var decrypting = new DecryptingStream(new MemoryStream(stored), keys ?? _keys);
        var result = new MemoryStream();
        await decrypting.CopyToAsync(result);
        return result.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1 << 20)]
    [InlineData(3 * (1 << 20) + 12345)]
    public async Task Round_trip_returns_the_same_bytes(int size)
    {
        var plain = RandomNumberGenerator.GetBytes(size);
        var stored = await EncryptAsync(plain);
        Assert.Equal(plain, await DecryptAsync(stored));
        if (size >= 16) Assert.DoesNotContain(Convert.ToHexString(plain[..Math.Min(size, 16)]), Convert.ToHexString(stored));
    }

    [Fact]
    public async Task A_flipped_byte_anywhere_fails_authentication()
    {
        var stored = await EncryptAsync(RandomNumberGenerator.GetBytes(2 * (1 << 20)));
        // Past the key id: the artifact id, the wrap nonce, the wrap tag, the chunk size, a chunk's middle, the last tag.
        foreach (var position in new[] { 30, 50, 87, 103, stored.Length / 2, stored.Length - 1 })
        {
            var copy = (byte[])stored.Clone();
            copy[position] ^= 0x40;
            await Assert.ThrowsAnyAsync<CryptographicException>(() => DecryptAsync(copy));
        }
    }

    [Fact]
    public async Task A_truncated_artifact_is_reported_even_at_a_chunk_boundary()
    {
        var plain = RandomNumberGenerator.GetBytes(3 * (1 << 20));
        var unfinished = await EncryptAsync(plain, finish: false);
        var error = await Assert.ThrowsAnyAsync<CryptographicException>(() => DecryptAsync(unfinished));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public async Task Old_artifacts_stay_readable_after_the_master_key_rotates()
    {
        var stored = await EncryptAsync([1, 2, 3]);
        var rotated = new MasterKeyRing(Options.Create(new EncryptionOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), PreviousKeys = Key }));
        Assert.Equal([1, 2, 3], await DecryptAsync(stored, rotated));
        var withoutOldKey = new MasterKeyRing(Options.Create(new EncryptionOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }));
        await Assert.ThrowsAnyAsync<Exception>(() => DecryptAsync(stored, withoutOldKey));
    }

    [Fact]
    public void Source_secrets_round_trip_and_do_not_contain_the_plaintext()
    {
        var protector = new SecretProtector(_keys);
        var sealedValue = protector.Protect("hunter2-secret");
        Assert.DoesNotContain("hunter2", sealedValue);
        Assert.Equal("hunter2-secret", protector.Unprotect(sealedValue));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Skip_passes_over_chunks_and_reads_the_same_bytes_as_a_full_read(bool seekable)
    {
        const int chunk = 1 << 20;
        var plain = RandomNumberGenerator.GetBytes(3 * chunk + 12345);
        var stored = await EncryptAsync(plain);
        // A corrupted chunk that is skipped is never read; the chunks that are read still authenticate.
        stored[stored.Length / 2] ^= 0x40;
        await using var decrypting = new DecryptingStream(seekable ? new MemoryStream(stored) : new ForwardOnlyStream(stored), _keys);

        var position = 0L;
        foreach (var (start, length) in new[] { (100L, 10), (chunk - 5L, 5), (3L * chunk + 1, 12000) })
        {
            decrypting.Skip(start - position);
            var read = new byte[length];
            decrypting.ReadExactly(read);
            Assert.Equal(plain.AsSpan((int)start, length).ToArray(), read);
            position = start + length;
        }

        var rest = new MemoryStream();
        await decrypting.CopyToAsync(rest);
        Assert.Equal(plain.AsSpan((int)position).ToArray(), rest.ToArray());
    }

    [Fact]
    public async Task Reading_a_corrupted_chunk_after_a_skip_fails_authentication()
    {
        var stored = await EncryptAsync(RandomNumberGenerator.GetBytes(3 * (1 << 20)));
        stored[stored.Length / 2] ^= 0x40;
        await using var decrypting = new DecryptingStream(new MemoryStream(stored), _keys);
        decrypting.Skip(1 << 20);
        Assert.Throws<CryptographicException>(() => decrypting.ReadExactly(new byte[1 << 20]));
    }

    /// <summary>Storage that can only be read forward, like an S3 response.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
