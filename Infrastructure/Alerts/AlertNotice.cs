using System.Text.Json;
using System.Text.Json.Serialization;
using BackupPortal.Domain.Alerts;

namespace BackupPortal.Infrastructure.Alerts;

/// <summary>What a channel is told: the webhook's JSON body, and the source of the email's subject and bodies.</summary>
public sealed record AlertNotice(
    string Event, Guid? AlertId, string Rule, string Kind, string Severity, Guid? SourceId, string? Source, Guid? JobId,
    string Message, DateTimeOffset? FiredAt, DateTimeOffset? ResolvedAt, string? Link)
{
    /// <summary>Slack (and compatible chat hooks) show this field as the message.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Subject => $"[BackupPortal] {Title}: {Message}";

    public string Title => Event switch
    {
        "resolved" => $"Resolved — {Rule}",
        "test" => "Test message",
        _ => $"{Severity.ToUpperInvariant()} — {Rule}",
    };

    public string PlainText => string.Join('\n', new[]
    {
        Title, "", Message, "",
        Source is null ? null : $"Source: {Source} ({SourceId})",
        JobId is null ? null : $"Job: {JobId}",
        FiredAt is null ? null : $"Fired: {FiredAt:u}",
        ResolvedAt is null || Event != "resolved" ? null : $"Resolved: {ResolvedAt:u}",
        Link is null ? null : $"Details: {Link}",
    }.Where(l => l is not null));

    public static AlertNotice For(string @event, Alert alert, AlertRule? rule, string? source, string? portalUrl) => new(
        @event, alert.Id, rule?.Name ?? alert.Kind.ToString(), JsonNamingPolicy.SnakeCaseLower.ConvertName(alert.Kind.ToString()),
        JsonNamingPolicy.SnakeCaseLower.ConvertName(alert.Severity.ToString()), alert.SourceId, source, alert.JobId, alert.Message,
        alert.FiredAt, alert.ResolvedAt, portalUrl is null ? null : $"{portalUrl.TrimEnd('/')}/alerts/{alert.Id}");

    public static AlertNotice Test(AlertChannel channel) => new(
        "test", null, "Test", "test", "info", null, null, null, $"Test message to channel '{channel.Name}': alerts will arrive here.",
        DateTimeOffset.UtcNow, null, null);
}
