using System.Text.Json;
using System.Text.Json.Serialization;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Storage;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>The unencrypted metadata stored beside each artifact: enough to re-index storage without the catalog.</summary>
public sealed record ArtifactManifest
{
    public int FormatVersion { get; init; } = 1;
    public required Guid BackupJobId { get; init; }
    public required Guid SourceId { get; init; }
    public required string SourceName { get; init; }

    /// <summary>Where the source lives (never its password), so a re-index can re-create it, disabled until a password is given.</summary>
    public string? SourceHost { get; init; }
    public int? SourcePort { get; init; }
    public string? SourceDatabase { get; init; }
    public string? SourceUsername { get; init; }
    public string? SourceSslMode { get; init; }

    public required string DatabaseName { get; init; }
    public required BackupType BackupType { get; init; }
    public required BackupTrigger Trigger { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public required string ArtifactPath { get; init; }
    public long ArtifactBytes { get; init; }
    public required string ChecksumSha256 { get; init; }
    public required string KeyId { get; init; }
    public string Encryption { get; init; } = "AES-256-GCM, 1 MiB chunks, per-artifact data key";
    public required BackupDetails Details { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string PathFor(string artifactPath) => artifactPath + ".manifest.json";

    public static ArtifactManifest For(BackupJob job, Source source) => new()
    {
        BackupJobId = job.Id,
        SourceId = source.Id,
        SourceName = source.Name,
        SourceHost = source.Host,
        SourcePort = source.Port,
        SourceDatabase = source.DatabaseName,
        SourceUsername = source.Username,
        SourceSslMode = source.SslMode,
        DatabaseName = job.DatabaseName,
        BackupType = job.BackupType,
        Trigger = job.Trigger,
        StartedAt = job.StartedAt,
        CompletedAt = job.CompletedAt,
        ArtifactPath = job.StoragePath!,
        ArtifactBytes = job.FileSizeBytes ?? 0,
        ChecksumSha256 = job.ChecksumSha256!,
        KeyId = job.KeyId!,
        Details = job.Details!,
    };

    public async Task WriteAsync(IBackupStorage storage, CancellationToken cancellationToken)
    {
        await using var upload = await storage.BeginWriteAsync(PathFor(ArtifactPath), cancellationToken, replace: true);
        await JsonSerializer.SerializeAsync(upload.Stream, this, Json, cancellationToken);
        await upload.CommitAsync(cancellationToken);
    }
}
