using System.Text.RegularExpressions;
using Cronos;

namespace BackupPortal.Infrastructure.Schedules;

/// <summary>
/// Validates five-field cron expressions and IANA time zones with messages that name the field and its range
/// (<c>"61 * * * *": minute must be 0-59</c>); Cronos then parses and computes occurrences, DST included.
/// </summary>
public static partial class CronRules
{
    private static readonly (string Name, int Min, int Max, string[] Names)[] Fields =
    [
        ("minute", 0, 59, []),
        ("hour", 0, 23, []),
        ("day of month", 1, 31, []),
        ("month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
        ("day of week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
    ];

    /// <summary>Null when valid, else a sentence saying what is wrong.</summary>
    public static string? CronError(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) return "cronExpression is required, e.g. \"0 2 * * *\".";
        var parts = expression.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 5)
            return $"\"{expression}\": a cron expression has 5 fields (minute hour day-of-month month day-of-week), not {parts.Length}.";
        for (var i = 0; i < 5; i++)
        {
            var (name, min, max, names) = Fields[i];
            foreach (Match value in Number().Matches(parts[i]))
            {
                if (!int.TryParse(value.Value, out var n) || n < min || n > max)
                    return $"\"{expression}\": {name} must be {min}-{max}{(names.Length > 0 ? $" or {names[0]}-{names[^1]}" : "")}, not {value.Value}.";
            }
        }
        try
        {
            CronExpression.Parse(expression.Trim(), CronFormat.Standard);
            return null;
        }
        catch (CronFormatException e)
        {
            return $"\"{expression}\": {e.Message}";
        }
    }

    public static string? TimeZoneError(string? timeZone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "", out _) ? null
            : $"timeZone '{timeZone}' is not a known IANA time zone (for example UTC, Europe/London, America/New_York).";

    /// <summary>The next occurrences strictly after <paramref name="after"/>, in the schedule's zone (offsets included).</summary>
    public static IEnumerable<DateTimeOffset> Occurrences(string expression, string timeZone, DateTimeOffset after)
    {
        var cron = CronExpression.Parse(expression.Trim(), CronFormat.Standard);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var from = after;
        while (cron.GetNextOccurrence(from, zone) is { } next)
        {
            yield return next;
            from = next;
        }
    }

    // Numbers, but not the step after a slash (every 90 minutes is "*/90"? no: steps are checked by Cronos).
    [GeneratedRegex(@"(?<![/\d])\d+")]
    private static partial Regex Number();
}
