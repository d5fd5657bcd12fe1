namespace BackupPortal.Domain.Backups;

public sealed record VerificationReport
{
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset CompletedAt { get; init; }
    public List<VerificationCheck> Checks { get; init; } = [];
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>One check with its outcome and the figures that decided it.</summary>
public sealed record VerificationCheck(string Name, bool Passed, string Detail, double DurationSeconds)
{
    public Dictionary<string, object?> Figures { get; init; } = [];
}

/// <summary>A table's row count at backup time against what a restore produced.</summary>
public sealed record TableComparison(string Table, long Expected, long? Actual)
{
    public bool Matches => Actual == Expected;
}
