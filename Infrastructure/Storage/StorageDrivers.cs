using System.Collections.Concurrent;
using BackupPortal.Domain.Storage;
using BackupPortal.Infrastructure.Crypto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>
/// The driver of each storage location, kept while its settings stay the same (an S3 client is costly to build).
/// The default location is always the directory of <c>BACKUP_STORAGE_PATH</c>.
/// </summary>
public sealed class StorageDrivers(IOptions<StorageOptions> options, SecretProtector secrets, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<(Guid, DateTimeOffset), IBackupStorage> _drivers = new();

    public IBackupStorage Default { get; } = new LocalBackupStorage(StorageLocation.DefaultName, options.Value.Path!);

    public IBackupStorage For(StorageLocation location) => location.IsDefault ? Default : _drivers.GetOrAdd((location.Id, location.UpdatedAt), _ => Create(location));

    /// <summary>A driver for settings not saved yet (testing a location before it is created); the caller disposes it.</summary>
    public IBackupStorage Create(StorageLocation location) => location.Type switch
    {
        StorageType.Local => new LocalBackupStorage(location.Name, location.Path!),
        _ => new S3BackupStorage(location, location.SecretAccessKeyEncrypted is { } secret ? secrets.Unprotect(secret) : null,
            options.Value, loggers.CreateLogger<S3BackupStorage>()),
    };

    public ReplicatedStorage Replicate(IEnumerable<StorageLocation> locations) =>
        new([.. locations.Select(l => new Replica(l, For(l)))], loggers.CreateLogger<ReplicatedStorage>());

    public void Dispose()
    {
        foreach (var driver in _drivers.Values) (driver as IDisposable)?.Dispose();
    }
}
