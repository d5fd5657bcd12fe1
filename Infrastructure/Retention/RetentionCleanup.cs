using Coravel.Invocable;

namespace BackupPortal.Infrastructure.Retention;

/// <summary>Coravel runs retention hourly on instances that fire schedules.</summary>
public sealed class RetentionCleanup(RetentionService retention) : IInvocable
{
    public Task Invoke() => retention.CleanupAsync(null, DateTimeOffset.UtcNow, CancellationToken.None);
}
