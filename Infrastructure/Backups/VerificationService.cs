using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>Runs a verification and records its report, turning an unexpected fault into a failed check rather than a lost result.</summary>
public sealed class VerificationService(CatalogDbContext db, BackupVerifier verifier, ILogger<VerificationService> logger)
{
    public async Task RunAsync(BackupJob job, CancellationToken cancellationToken)
    {
        VerificationReport report;
        var started = DateTimeOffset.UtcNow;
        try
        {
            report = await verifier.VerifyAsync(job, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Verification of backup {JobId} could not run: {Error}", job.Id, e.Message);
            report = new VerificationReport
            {
                StartedAt = started,
                CompletedAt = DateTimeOffset.UtcNow,
                Checks = [new VerificationCheck("verification", false, $"Verification could not run: {e.Message}", 0)],
            };
        }
        job.RecordVerification(report);
        db.BackupMetrics.Add(new BackupMetric
        {
            BackupJobId = job.Id,
            MetricName = "verification_seconds",
            MetricValue = (report.CompletedAt - report.StartedAt).TotalSeconds,
            Unit = "s",
        });
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
