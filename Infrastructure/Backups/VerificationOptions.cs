namespace BackupPortal.Infrastructure.Backups;

/// <summary>
/// The server where verification restores each backup into a scratch database
/// (<c>Verification__ConnectionString</c>; by default the catalog's server).
/// </summary>
public sealed class VerificationOptions
{
    public string? ConnectionString { get; set; }
}
