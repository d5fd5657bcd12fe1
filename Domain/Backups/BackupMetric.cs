namespace BackupPortal.Domain.Backups;

/// <summary>One measured figure of a backup operation (duration, bytes, throughput…).</summary>
public sealed class BackupMetric
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid BackupJobId { get; set; }
    public required string MetricName { get; set; }
    public double MetricValue { get; set; }
    public required string Unit { get; set; }
    public DateTimeOffset RecordedAt { get; set; } = DateTimeOffset.UtcNow;
}
