using BackupPortal.Infrastructure.Schedules;

namespace BackupPortal.Tests.Unit;

public sealed class CronRulesTests
{
    [Theory]
    [InlineData("61 * * * *", "minute must be 0-59")]
    [InlineData("0 24 * * *", "hour must be 0-23")]
    [InlineData("0 2 32 * *", "day of month must be 1-31")]
    [InlineData("0 2 * 13 *", "month must be 1-12")]
    [InlineData("0 2 * * 8", "day of week must be 0-7")]
    [InlineData("0 2 * *", "5 fields")]
    [InlineData("0 2 * * * *", "5 fields")]
    [InlineData("", "required")]
    public void Invalid_expressions_say_which_field_and_why(string expression, string expected)
    {
        var error = CronRules.CronError(expression);
        Assert.NotNull(error);
        Assert.Contains(expected, error);
    }

    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("0 9-17 * * 1-5")]
    [InlineData("0 3 * * 0")]
    [InlineData("0 1 1 * *")]
    [InlineData("*/15 9-12,14-17 * * MON-FRI")]
    [InlineData("0 0 1,15 JAN-JUN *")]
    public void The_seed_defaults_and_ranges_steps_lists_and_names_are_valid(string expression) => Assert.Null(CronRules.CronError(expression));

    [Fact]
    public void Unknown_time_zones_are_refused_and_iana_ones_accepted()
    {
        Assert.Contains("IANA", CronRules.TimeZoneError("Mars/Olympus_Mons"));
        Assert.Null(CronRules.TimeZoneError("Europe/London"));
        Assert.Null(CronRules.TimeZoneError("UTC"));
    }

    [Fact]
    public void Mon_fri_business_hours_skip_the_weekend()
    {
        // Friday 2026-11-27 17:00 UTC is the last run of the week; the next is Monday 09:00.
        var runs = CronRules.Occurrences("0 9-17 * * MON-FRI", "UTC", new DateTimeOffset(2026, 11, 27, 16, 30, 0, TimeSpan.Zero)).Take(2).ToList();
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 17, 0, 0, TimeSpan.Zero), runs[0]);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), runs[1]);
    }

    [Fact]
    public void London_spring_forward_moves_a_run_in_the_missing_hour_to_the_end_of_the_gap()
    {
        // 2027-03-28: at 01:00 GMT the clocks jump to 02:00 BST, so 01:30 does not exist that day.
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var runs = CronRules.Occurrences("30 1 * * *", "Europe/London", new DateTimeOffset(2027, 3, 26, 12, 0, 0, TimeSpan.Zero))
            .Take(3).Select(r => TimeZoneInfo.ConvertTime(r, london)).ToList();
        Assert.Equal(new DateTimeOffset(2027, 3, 27, 1, 30, 0, TimeSpan.Zero), runs[0]);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 2, 0, 0, TimeSpan.FromHours(1)), runs[1]);
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 1, 30, 0, TimeSpan.FromHours(1)), runs[2]);
        // A daily 02:00 schedule still runs once a day across the change.
        var daily = CronRules.Occurrences("0 2 * * *", "Europe/London", new DateTimeOffset(2027, 3, 27, 0, 0, 0, TimeSpan.Zero)).Take(3).ToList();
        Assert.Equal([23, 24], daily.Zip(daily.Skip(1), (a, b) => (int)(b - a).TotalHours));
    }
}
