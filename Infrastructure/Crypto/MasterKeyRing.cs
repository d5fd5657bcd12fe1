using System.Security.Cryptography;
using System.Text;
using BackupPortal.Domain.Common;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>
/// The master keys, each named by an id that artifacts and secrets record. Root keys come from
/// <c>BACKUP_ENCRYPTION_KEY</c> (and <c>BACKUP_ENCRYPTION_PREVIOUS_KEYS</c>); rotation adds random master keys that
/// are stored wrapped by the root key. The newest master key encrypts; every known key still decrypts.
/// </summary>
public sealed class MasterKeyRing
{
    private const string WrapPurpose = "master key wrap";
    private readonly Dictionary<string, byte[]> _roots = new(StringComparer.Ordinal);
    private Dictionary<string, byte[]> _keys;

    public MasterKeyRing(IOptions<EncryptionOptions> options)
    {
        var current = Parse(options.Value.Key, "BACKUP_ENCRYPTION_KEY");
        RootId = IdOf(current);
        _roots[RootId] = current;
        foreach (var old in (options.Value.PreviousKeys ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var key = Parse(old, "BACKUP_ENCRYPTION_PREVIOUS_KEYS");
            _roots.TryAdd(IdOf(key), key);
        }
        _keys = new Dictionary<string, byte[]>(_roots, StringComparer.Ordinal);
        CurrentId = RootId;
    }

    /// <summary>The id of the key from <c>BACKUP_ENCRYPTION_KEY</c>.</summary>
    public string RootId { get; }

    /// <summary>The key new artifacts and secrets are encrypted with.</summary>
    public string CurrentId { get; private set; }

    public IReadOnlyCollection<string> KnownIds => _keys.Keys;

    /// <summary>Adds rotated master keys (oldest first); the last one becomes current.</summary>
    public void Install(IEnumerable<MasterKeyRecord> records)
    {
        var keys = new Dictionary<string, byte[]>(_keys, StringComparer.Ordinal);
        var current = CurrentId;
        foreach (var record in records.OrderBy(r => r.CreatedAt))
        {
            keys[record.Id] = Unwrap(record);
            current = record.Id;
        }
        (_keys, CurrentId) = (keys, current);
    }

    /// <summary>A new random master key, wrapped by the root key, not yet installed.</summary>
    public MasterKeyRecord NewMasterKey()
    {
        var id = "mk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return new MasterKeyRecord { Id = id, RootKeyId = RootId, WrappedKey = Wrap(id, RandomNumberGenerator.GetBytes(32)) };
    }

    /// <summary>The same master key wrapped by the current root key (after BACKUP_ENCRYPTION_KEY itself changed).</summary>
    public MasterKeyRecord Rewrapped(MasterKeyRecord record) =>
        new() { Id = record.Id, RootKeyId = RootId, WrappedKey = Wrap(record.Id, Unwrap(record)), CreatedAt = record.CreatedAt };

    /// <summary>A purpose-bound subkey, so the key that wraps data keys never encrypts anything else.</summary>
    public byte[] Derive(string keyId, string purpose)
    {
        if (!_keys.TryGetValue(keyId, out var key))
            throw new DomainException($"Master key '{keyId}' is not available: it was neither rotated in through this catalog nor given in BACKUP_ENCRYPTION_KEY or BACKUP_ENCRYPTION_PREVIOUS_KEYS.", null, 409);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes("BackupPortal " + purpose));
    }

    public static bool IsValidKey(string? base64) =>
        base64 is not null && base64.Trim().Length == 44 && Convert.TryFromBase64String(base64.Trim(), new byte[32], out var written) && written == 32;

    private string Wrap(string id, byte[] key)
    {
        var blob = new byte[12 + 32 + 16];
        RandomNumberGenerator.Fill(blob.AsSpan(0, 12));
        using var gcm = new AesGcm(RootSubkey(RootId), 16);
        gcm.Encrypt(blob.AsSpan(0, 12), key, blob.AsSpan(12, 32), blob.AsSpan(44, 16), Encoding.ASCII.GetBytes(id));
        return Convert.ToBase64String(blob);
    }

    private byte[] Unwrap(MasterKeyRecord record)
    {
        if (!_roots.ContainsKey(record.RootKeyId))
            throw new InvalidOperationException($"Master key {record.Id} is wrapped by root key {record.RootKeyId}, which is neither BACKUP_ENCRYPTION_KEY nor in BACKUP_ENCRYPTION_PREVIOUS_KEYS.");
        var blob = Convert.FromBase64String(record.WrappedKey);
        var key = new byte[32];
        using var gcm = new AesGcm(RootSubkey(record.RootKeyId), 16);
        gcm.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, 32), blob.AsSpan(44, 16), key, Encoding.ASCII.GetBytes(record.Id));
        return key;
    }

    private byte[] RootSubkey(string rootId) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _roots[rootId], 32, info: Encoding.UTF8.GetBytes("BackupPortal " + WrapPurpose));

    private static byte[] Parse(string? base64, string setting)
    {
        if (!IsValidKey(base64))
            throw new InvalidOperationException($"{setting} must be the base64 encoding of exactly 32 random bytes (for example: openssl rand -base64 32).");
        return Convert.FromBase64String(base64!.Trim());
    }

    private static string IdOf(byte[] key) =>
        "mk-" + Convert.ToHexStringLower(SHA256.HashData([.. "BackupPortal key id\0"u8, .. key]))[..16];
}
