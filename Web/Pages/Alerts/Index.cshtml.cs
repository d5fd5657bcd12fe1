using BackupPortal.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using BackupPortal.Web.Pages.Shared;

namespace BackupPortal.Web.Pages.Alerts;

/// <summary>Firing alerts to acknowledge, and the history of resolved ones.</summary>
[Authorize]
public sealed class IndexModel(ApiClient api) : ApiPage
{
    public static readonly string[] Severities = ["info", "warning", "critical"];

    [BindProperty(SupportsGet = true)] public string State { get; set; } = "firing";
    public List<Alert> Alerts { get; private set; } = [];
    public List<Source> Sources { get; private set; } = [];
    public List<AlertRule> Rules { get; private set; } = [];
    public List<AlertChannel> Channels { get; private set; } = [];
    public Dictionary<Guid, Delivery?> LastDelivery { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Alerts = await api.AlertsAsync(State is "firing" or "resolved" ? State : null, cancellationToken);
        Sources = await api.SourcesAsync(cancellationToken);
        Rules = await api.AlertRulesAsync(cancellationToken);
        if (!Fmt.IsAdmin(User)) return;
        Channels = await api.ChannelsAsync(cancellationToken);
        foreach (var channel in Channels) LastDelivery[channel.Id] = (await api.DeliveriesAsync(channel.Id, cancellationToken)).FirstOrDefault();
    }

    /// <summary>A webhook (url, optional HMAC secret, Slack text) or an email channel (addresses; the mail server from the Api's settings).</summary>
    public Task<IActionResult> OnPostChannelAsync(string name, string type, string? url, string? secret, bool slackCompatible, string? to, CancellationToken cancellationToken) =>
        ActAsync(() => api.CreateChannelAsync(new
        {
            name, type, url = type == "webhook" ? url : null, secret = string.IsNullOrEmpty(secret) ? null : secret, slackCompatible,
            to = type == "email" ? Addresses(to) : [],
        }, cancellationToken), () => RedirectToPage(new { State }), $"Channel {name} added.");

    public Task<IActionResult> OnPostTestChannelAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.TestChannelAsync(id, cancellationToken), () => RedirectToPage(new { State }), "Test message queued; its delivery shows below within seconds.");

    public Task<IActionResult> OnPostDeleteChannelAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.DeleteChannelAsync(id, cancellationToken), () => RedirectToPage(new { State }), "Channel removed.");

    public Task<IActionResult> OnPostEditChannelAsync(Guid id, string name, bool enabled, string? url, bool slackCompatible, string? to, CancellationToken cancellationToken) =>
        ActAsync(() => api.ChangeChannelAsync(id, c => c with
        {
            Name = name, Enabled = enabled, Url = c.Type == "webhook" ? url : null, SlackCompatible = slackCompatible,
            To = c.Type == "email" ? Addresses(to) : [],
        }, cancellationToken), () => RedirectToPage(new { State }), $"Channel {name} saved.");

    public Task<IActionResult> OnPostRuleAsync(Guid id, bool enabled, CancellationToken cancellationToken) =>
        ActAsync(() => api.ChangeRuleAsync(id, r => r with { Enabled = enabled }, cancellationToken), () => RedirectToPage(new { State }));

    /// <summary>An empty threshold clears it, for kinds that have none; the Api says which need one.</summary>
    public Task<IActionResult> OnPostEditRuleAsync(Guid id, double? threshold, string severity, Guid? sourceId, CancellationToken cancellationToken) =>
        ActAsync(() => api.ChangeRuleAsync(id, r => r with { Threshold = threshold, Severity = severity, SourceId = sourceId }, cancellationToken),
            () => RedirectToPage(new { State }), "Rule saved.");

    public Task<IActionResult> OnPostAcknowledgeAsync(Guid id, CancellationToken cancellationToken) =>
        ActAsync(() => api.AcknowledgeAsync(id, cancellationToken), () => RedirectToPage(new { State }));

    private static List<string> Addresses(string? to) => [.. (to ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)];

    public string SourceName(Guid? id) => id is { } s ? Sources.FirstOrDefault(x => x.Id == s)?.Name ?? s.ToString()[..8] : "—";
}
