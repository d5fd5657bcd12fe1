using System.Diagnostics;

namespace BackupPortal.Infrastructure;

public static class StopwatchExtensions
{
    /// <summary>Seconds since the last lap (rounded to milliseconds), and starts the next one.</summary>
    public static double Lap(this Stopwatch clock)
    {
        var seconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        return Math.Round(seconds, 3);
    }
}
