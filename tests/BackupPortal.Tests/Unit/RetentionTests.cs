using BackupPortal.Domain.Retention;

namespace BackupPortal.Tests.Unit;

public sealed class RetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One verified full backup a day at 02:00 for 400 days.</summary>
    private static List<RetainedBackup> DailyHistory(int days = 400) =>
        [.. Enumerable.Range(0, days).Select(d => new RetainedBackup(Guid.NewGuid(), new DateTimeOffset(2026, 11, 25, 2, 0, 0, TimeSpan.Zero).AddDays(-d), false, true))];

    private static HashSet<DateOnly> Kept(List<RetainedBackup> history, List<RetentionDecision> decisions) =>
        [.. decisions.Where(d => d.Keep).Select(d => DateOnly.FromDateTime(history.Single(b => b.Id == d.BackupId).TakenAt.UtcDateTime))];

    [Fact]
    public void Four_hundred_days_of_daily_backups_yield_exactly_the_grandfather_father_son_survivors()
    {
        var history = DailyHistory();
        var decisions = Retention.Decide(history, _ => new RetentionPolicy(KeepDaily: 7, KeepWeekly: 4, KeepMonthly: 12, KeepYearly: 2), Now, TimeZoneInfo.Utc, 0);
        DateOnly D(int y, int m, int d) => new(y, m, d);
        HashSet<DateOnly> expected =
        [
            // daily: the last 7 days
            D(2026, 11, 19), D(2026, 11, 20), D(2026, 11, 21), D(2026, 11, 22), D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25),
            // weekly: the newest of ISO weeks 48 (25th), 47 (22nd), 46 (15th), 45 (8th)
            D(2026, 11, 15), D(2026, 11, 8),
            // monthly: the newest of each of the last 12 months
            D(2026, 10, 31), D(2026, 9, 30), D(2026, 8, 31), D(2026, 7, 31), D(2026, 6, 30), D(2026, 5, 31), D(2026, 4, 30),
            D(2026, 3, 31), D(2026, 2, 28), D(2026, 1, 31), D(2025, 12, 31),
            // yearly: 2026 and 2025 (the 25th and Dec 31, both kept already)
        ];
        Assert.Equal(expected.Order(), Kept(history, decisions).Order());
        Assert.Equal(400 - expected.Count, decisions.Count(d => !d.Keep));
    }

    [Fact]
    public void The_newest_two_verified_fulls_survive_a_policy_that_keeps_nothing()
    {
        var history = DailyHistory(30);
        // The newest backup failed its verification: the two newest *verified* ones are protected.
        history[0] = history[0] with { IsVerifiedFull = false };
        var decisions = Retention.Decide(history, _ => new RetentionPolicy(0, 0, 0, 0), Now, TimeZoneInfo.Utc, 0);
        Assert.Equal([new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 24)], Kept(history, decisions).Order());
        Assert.All(decisions.Where(d => d.Keep), d => Assert.Contains("verified full", d.Reason));
    }

    [Fact]
    public void An_incrementals_base_is_kept_while_the_incremental_lives()
    {
        var baseBackup = new RetainedBackup(Guid.NewGuid(), Now.AddDays(-20), false, false);
        var incremental = new RetainedBackup(Guid.NewGuid(), Now.AddDays(-2), true, false, DependsOn: baseBackup.Id);
        var expiredIncremental = new RetainedBackup(Guid.NewGuid(), Now.AddDays(-40), true, false);
        var decisions = Retention.Decide([baseBackup, incremental, expiredIncremental], _ => new RetentionPolicy(0, 0, 0, 0, IncrementalKeepDays: 30), Now, TimeZoneInfo.Utc, 0)
            .ToDictionary(d => d.BackupId);
        Assert.True(decisions[baseBackup.Id].Keep);
        Assert.Contains("base of incremental", decisions[baseBackup.Id].Reason);
        Assert.True(decisions[incremental.Id].Keep);
        Assert.False(decisions[expiredIncremental.Id].Keep);
    }

    [Fact]
    public void Repeated_failures_pause_retention_instead_of_deleting_the_last_good_backups()
    {
        var history = DailyHistory(60);
        var decisions = Retention.Decide(history, _ => new RetentionPolicy(1, 0, 0, 0), Now, TimeZoneInfo.Utc, recentFailuresInARow: 3);
        Assert.All(decisions, d => Assert.True(d.Keep));
        Assert.Contains(decisions, d => d.Reason.Contains("retention paused"));
    }

    [Fact]
    public void Each_schedule_keeps_by_its_own_policy()
    {
        var daily = DailyHistory(10).Select(b => b with { Group = "daily", IsVerifiedFull = false }).ToList();
        var monthly = DailyHistory(10).Select(b => b with { Group = "monthly", IsVerifiedFull = false }).ToList();
        var decisions = Retention.Decide([.. daily, .. monthly],
            group => group == "daily" ? new RetentionPolicy(3, 0, 0, 0) : new RetentionPolicy(0, 0, 1, 0), Now, TimeZoneInfo.Utc, 0);
        Assert.Equal(3, decisions.Count(d => d.Keep && daily.Any(b => b.Id == d.BackupId)));
        Assert.Equal(1, decisions.Count(d => d.Keep && monthly.Any(b => b.Id == d.BackupId)));
    }
}
