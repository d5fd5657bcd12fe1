using System.Security.Cryptography;
using System.Text;

namespace BackupPortal.Infrastructure.Crypto;

/// <summary>Encrypts small secrets (source passwords) for the catalog with AES-256-GCM under the master key.</summary>
public sealed class SecretProtector(MasterKeyRing keys)
{
    private const string Purpose = "catalog secrets";

    public string Protect(string plaintext)
    {
        var key = keys.Derive(keys.CurrentId, Purpose);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[12 + data.Length + 16];
        RandomNumberGenerator.Fill(blob.AsSpan(0, 12));
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(blob.AsSpan(0, 12), data, blob.AsSpan(12, data.Length), blob.AsSpan(12 + data.Length), Encoding.UTF8.GetBytes(keys.CurrentId));
        return $"v1:{keys.CurrentId}:{Convert.ToBase64String(blob)}";
    }

    public string Unprotect(string protectedValue)
    {
        var parts = protectedValue.Split(':');
        if (parts.Length != 3 || parts[0] != "v1")
            throw new CryptographicException("The stored secret is not in a format BackupPortal wrote.");
        var blob = Convert.FromBase64String(parts[2]);
        var plain = new byte[blob.Length - 28];
        using var gcm = new AesGcm(keys.Derive(parts[1], Purpose), 16);
        gcm.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plain.Length), blob.AsSpan(12 + plain.Length), plain, Encoding.UTF8.GetBytes(parts[1]));
        return Encoding.UTF8.GetString(plain);
    }
}
