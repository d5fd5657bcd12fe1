namespace BackupPortal.Domain.Retention;

/// <summary>
/// Grandfather-father-son: keep the newest backup of each of the last N days, weeks, months and years; incrementals
/// live a fixed number of days (the seed's cleanup: 30).
/// </summary>
public sealed record RetentionPolicy(int KeepDaily = 7, int KeepWeekly = 4, int KeepMonthly = 12, int KeepYearly = 0, int IncrementalKeepDays = 30)
{
    /// <summary>The newest verified full backups of a source that no policy may delete.</summary>
    public const int ProtectedVerifiedFulls = 2;

    /// <summary>This many failed runs in a row pause retention for the source, so the last good backups stay.</summary>
    public const int FailuresThatPauseRetention = 3;
}

/// <summary>What retention knows of a backup. Backups of one group (a schedule, or manual ones) share a policy.</summary>
public sealed record RetainedBackup(Guid Id, DateTimeOffset TakenAt, bool IsIncremental, bool IsVerifiedFull, string Group = "", Guid? DependsOn = null);

public sealed record RetentionDecision(Guid BackupId, bool Keep, string Reason);

public static class Retention
{
    /// <summary>
    /// Decides, for one source's completed backups, which to keep and why: each group under its own policy, then the
    /// safety rails over the whole source, which win over any policy — the newest verified fulls stay, a backup that a
    /// kept incremental depends on stays, and nothing is deleted while recent runs keep failing.
    /// </summary>
    public static List<RetentionDecision> Decide(
        IReadOnlyCollection<RetainedBackup> backups, Func<string, RetentionPolicy> policyOf, DateTimeOffset now, TimeZoneInfo zone, int recentFailuresInARow)
    {
        var reasons = backups.ToDictionary(b => b.Id, _ => new List<string>());
        foreach (var group in backups.GroupBy(b => b.Group))
        {
            var policy = policyOf(group.Key);
            var snapshots = group.Where(b => !b.IsIncremental).OrderByDescending(b => b.TakenAt).ToList();

            void KeepNewestPer(string label, int count, Func<DateTimeOffset, string> bucket)
            {
                if (count <= 0) return;
                foreach (var newest in snapshots.GroupBy(b => bucket(TimeZoneInfo.ConvertTime(b.TakenAt, zone))).Take(count).Select(g => g.First()))
                    reasons[newest.Id].Add(label);
            }
            KeepNewestPer("daily", policy.KeepDaily, t => t.ToString("yyyy-MM-dd"));
            KeepNewestPer("weekly", policy.KeepWeekly, t => $"{System.Globalization.ISOWeek.GetYear(t.DateTime)}-W{System.Globalization.ISOWeek.GetWeekOfYear(t.DateTime):00}");
            KeepNewestPer("monthly", policy.KeepMonthly, t => t.ToString("yyyy-MM"));
            KeepNewestPer("yearly", policy.KeepYearly, t => t.ToString("yyyy"));

            foreach (var incremental in group.Where(b => b.IsIncremental && now - b.TakenAt <= TimeSpan.FromDays(policy.IncrementalKeepDays)))
                reasons[incremental.Id].Add($"incremental younger than {policy.IncrementalKeepDays} days");
        }

        foreach (var full in backups.Where(b => b.IsVerifiedFull).OrderByDescending(b => b.TakenAt).Take(RetentionPolicy.ProtectedVerifiedFulls))
            reasons[full.Id].Add($"one of the newest {RetentionPolicy.ProtectedVerifiedFulls} verified full backups");

        foreach (var dependent in backups.Where(b => b.DependsOn is { } d && reasons[b.Id].Count > 0 && reasons.ContainsKey(d)))
            reasons[dependent.DependsOn!.Value].Add($"base of incremental {dependent.Id}");

        var paused = recentFailuresInARow >= RetentionPolicy.FailuresThatPauseRetention;
        return [.. backups.OrderByDescending(b => b.TakenAt).Select(b => reasons[b.Id].Count > 0
            ? new RetentionDecision(b.Id, true, string.Join(", ", reasons[b.Id]))
            : paused
                ? new RetentionDecision(b.Id, true, $"retention paused: the last {recentFailuresInARow} runs of this source failed")
                : new RetentionDecision(b.Id, false, "outside the retention policy"))];
    }
}
