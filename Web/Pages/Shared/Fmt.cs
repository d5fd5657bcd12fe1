using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Html;

namespace BackupPortal.Web.Pages.Shared;

/// <summary>How the portal writes sizes, durations, times and statuses, and what the signed-in role may do.</summary>
public static class Fmt
{
    public static string Bytes(long? bytes)
    {
        if (bytes is not { } b) return "—";
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = b;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1) (value, unit) = (value / 1024, unit + 1);
        return $"{value.ToString(unit == 0 ? "0" : "0.0", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    public static string Duration(double? seconds) => seconds switch
    {
        null => "—",
        < 60 => $"{seconds:0.0} s",
        < 3600 => $"{Math.Floor(seconds.Value / 60):0} min {seconds % 60:0} s",
        < 172800 => $"{seconds / 3600:0.0} h",
        _ => $"{seconds / 86400:0.0} days",
    };

    /// <summary>UTC in the markup and on hover; the page script shows it in the reader's own time zone.</summary>
    public static IHtmlContent Time(DateTimeOffset? at) => at is { } t
        ? new HtmlString($"<time datetime=\"{t.UtcDateTime:O}\" title=\"{t.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC\">{t.UtcDateTime:yyyy-MM-dd HH:mm} UTC</time>")
        : new HtmlString("—");

    /// <summary>A status badge; the colour follows what the word means.</summary>
    public static IHtmlContent Status(string status)
    {
        var tone = status switch
        {
            "completed" or "verified" or "resolved" or "ok" or "passed" or "complete" => "good",
            "failed" or "critical" or "firing" => "bad",
            "running" or "pending" or "warning" or "degraded" => "busy",
            _ => "neutral",
        };
        return new HtmlString($"<span class=\"status {tone}\" data-status=\"{System.Net.WebUtility.HtmlEncode(status)}\">{System.Net.WebUtility.HtmlEncode(status.Replace('_', ' '))}</span>");
    }

    public static string Role(ClaimsPrincipal user) => user.FindFirst("role")?.Value ?? "";

    public static bool CanOperate(ClaimsPrincipal user) => Role(user) is "admin" or "operator";

    public static bool IsAdmin(ClaimsPrincipal user) => Role(user) == "admin";
}
