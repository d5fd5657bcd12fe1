namespace BackupPortal.Domain.Sources;

/// <summary>A PostgreSQL database that BackupPortal protects.</summary>
public sealed class Source
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; } = 5432;
    public required string DatabaseName { get; set; }
    public required string Username { get; set; }

    /// <summary>Encrypted with the master key; never leaves the catalog in clear.</summary>
    public string? PasswordEncrypted { get; set; }

    public string SslMode { get; set; } = "prefer";
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;

    public static readonly string[] SslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
}
