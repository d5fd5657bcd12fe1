using System.Security.Cryptography;
using System.Text;
using BackupPortal.Domain.Common;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>The master keys, named by an id derived from each key so artifacts can say which one wraps them.</summary>
public sealed class MasterKeyRing
{
    private readonly Dictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public MasterKeyRing(IOptions<EncryptionOptions> options)
    {
        var current = Parse(options.Value.Key, "BACKUP_ENCRYPTION_KEY");
        CurrentId = IdOf(current);
        _keys[CurrentId] = current;
        foreach (var old in (options.Value.PreviousKeys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var key = Parse(old, "BACKUP_ENCRYPTION_PREVIOUS_KEYS");
            _keys.TryAdd(IdOf(key), key);
        }
    }

    public string CurrentId { get; }

    /// <summary>A purpose-bound subkey, so the key that wraps data keys never encrypts anything else.</summary>
    public byte[] Derive(string keyId, string purpose)
    {
        if (!_keys.TryGetValue(keyId, out var key))
            throw new DomainException($"Master key '{keyId}' is not configured; add it to BACKUP_ENCRYPTION_PREVIOUS_KEYS.", null, 409);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes("BackupPortal " + purpose));
    }

    public static bool IsValidKey(string? base64) =>
        base64 is not null && Convert.TryFromBase64String(base64, new byte[32], out var written) && written == 32
        && base64.Trim().Length == 44;

    private static byte[] Parse(string? base64, string setting)
    {
        if (!IsValidKey(base64))
            throw new InvalidOperationException($"{setting} must be the base64 encoding of exactly 32 random bytes (for example: openssl rand -base64 32).");
        return Convert.FromBase64String(base64!.Trim());
    }

    private static string IdOf(byte[] key) =>
        "mk-" + Convert.ToHexStringLower(SHA256.HashData([.. "BackupPortal key id\0"u8, .. key]))[..16];
}
