using BackupPortal.Web.Api;

namespace BackupPortal.Web.Pages.Shared;

/// <summary>One stack of a bar: the series keys it adds up, its legend label and colour.</summary>
public sealed record Stack(string Label, string[] Keys, string Color);

/// <summary>Bars per day for the last 30 days, stacked from a series; <paramref name="Format"/> writes a value for the tooltips and the peak.</summary>
public sealed record StackedBars(string Title, TimeSeries? Series, List<Stack> Stacks, Func<double, string> Format);

public static class Charts
{
    private static readonly string[] Palette = ["#1f5fbf", "#1a7f43", "#b7791f", "#8e44ad", "#c0392b", "#16a085"];

    public static StackedBars JobsByStatus(TimeSeries? series) => new("Backup jobs per day by status, last 30 days", series,
        [new("completed", ["completed", "expired"], "#1a7f43"), new("failed", ["failed"], "#c0392b"), new("other", ["cancelled", "pending", "running"], "#a0aab6")],
        v => $"{v:0}");

    /// <summary>One stack per key the series holds (backup types), in a fixed palette.</summary>
    public static StackedBars PerKey(string title, TimeSeries? series, Func<double, string> format) => new(title, series,
        [.. (series?.Points ?? []).SelectMany(p => p.Values.Keys).Distinct().Order().Select((key, i) => new Stack(key, [key], Palette[i % Palette.Length]))],
        format);
}
