using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupPortal.Web.Api;

public sealed record Me(string Name, string Role, string Subject);

/// <summary>The portal's typed view of the Api, called with the signed-in user's token.</summary>
public sealed class ApiClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Uri BaseAddress => http.BaseAddress!;

    public async Task<string> ReadinessAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("health/ready", cancellationToken);
            return response.IsSuccessStatusCode ? "ready" : $"not ready ({(int)response.StatusCode})";
        }
        catch (HttpRequestException e)
        {
            return $"unreachable ({e.Message})";
        }
    }

    public Task<Me?> MeAsync(CancellationToken cancellationToken) => GetAsync<Me>("api/v1/me", cancellationToken);

    public Task<MetricsSummary?> SummaryAsync(string window, CancellationToken cancellationToken) => GetAsync<MetricsSummary>($"api/v1/metrics/summary?window={window}", cancellationToken);

    public async Task<List<RunningJob>> RunningAsync(CancellationToken cancellationToken) => await GetAsync<List<RunningJob>>("api/v1/metrics/running", cancellationToken) ?? [];

    public Task<TimeSeries?> SeriesAsync(string metric, string bucket, CancellationToken cancellationToken) =>
        GetAsync<TimeSeries>($"api/v1/metrics/timeseries?metric={metric}&bucket={bucket}", cancellationToken);

    public Task<BackupPage?> BackupsAsync(Guid? sourceId, string? type, string? status, int page, int pageSize, CancellationToken cancellationToken) =>
        GetAsync<BackupPage>($"api/v1/backups?page={page}&pageSize={pageSize}{Q("sourceId", sourceId?.ToString())}{Q("type", type)}{Q("status", status)}", cancellationToken);

    public Task<BackupDetail?> BackupAsync(Guid id, CancellationToken cancellationToken) => GetAsync<BackupDetail>($"api/v1/backups/{id}", cancellationToken);

    public async Task<List<Source>> SourcesAsync(CancellationToken cancellationToken) => await GetAsync<List<Source>>("api/v1/sources", cancellationToken) ?? [];

    public async Task<List<Schedule>> SchedulesAsync(CancellationToken cancellationToken) => await GetAsync<List<Schedule>>("api/v1/schedules", cancellationToken) ?? [];

    public async Task<List<Alert>> FiringAlertsAsync(CancellationToken cancellationToken) => await GetAsync<List<Alert>>("api/v1/alerts?state=firing", cancellationToken) ?? [];

    public Task<Backup> StartBackupAsync(Guid sourceId, string type, CancellationToken cancellationToken) =>
        SendAsync<Backup>(HttpMethod.Post, "api/v1/backups", new { sourceId, backupType = type }, cancellationToken);

    public Task<Backup> VerifyBackupAsync(Guid id, CancellationToken cancellationToken) => SendAsync<Backup>(HttpMethod.Post, $"api/v1/backups/{id}/verify", new { }, cancellationToken);

    public Task<Backup> CancelBackupAsync(Guid id, CancellationToken cancellationToken) => SendAsync<Backup>(HttpMethod.Post, $"api/v1/backups/{id}/cancel", new { }, cancellationToken);

    /// <summary>The manifest beside a completed backup's artifact, as stored.</summary>
    public Task<JsonNode?> ManifestAsync(Guid backupId, CancellationToken cancellationToken) => GetAsync<JsonNode>($"api/v1/backups/{backupId}/manifest", cancellationToken);

    public Task<BackupContents?> ContentsAsync(Guid backupId, CancellationToken cancellationToken) => GetAsync<BackupContents>($"api/v1/backups/{backupId}/contents", cancellationToken);

    public Task<RecoveryWindow?> WindowAsync(Guid sourceId, CancellationToken cancellationToken) => GetAsync<RecoveryWindow>($"api/v1/sources/{sourceId}/recovery-window", cancellationToken);

    public Task<Restore?> RestoreAsync(Guid id, CancellationToken cancellationToken) => GetAsync<Restore>($"api/v1/restores/{id}", cancellationToken);

    public Task<Restore> StartRestoreAsync(object request, CancellationToken cancellationToken) => SendAsync<Restore>(HttpMethod.Post, "api/v1/restores", request, cancellationToken);

    public async Task<List<Alert>> AlertsAsync(string? state, CancellationToken cancellationToken) =>
        await GetAsync<List<Alert>>($"api/v1/alerts?pageSize=100{Q("state", state)}", cancellationToken) ?? [];

    public async Task<List<AlertRule>> AlertRulesAsync(CancellationToken cancellationToken) => await GetAsync<List<AlertRule>>("api/v1/alert-rules", cancellationToken) ?? [];

    /// <summary>The Api takes a rule whole: the stored one goes back with only what <paramref name="change"/> sets.</summary>
    public async Task<AlertRule> ChangeRuleAsync(Guid id, Func<AlertRule, AlertRule> change, CancellationToken cancellationToken)
    {
        var rule = (await AlertRulesAsync(cancellationToken)).SingleOrDefault(r => r.Id == id) ?? throw new ApiProblem(404, $"No alert rule {id}.", []);
        return await SendAsync<AlertRule>(HttpMethod.Put, $"api/v1/alert-rules/{id}", change(rule), cancellationToken);
    }

    /// <summary>Like rules, a channel goes back whole; its masked secrets come back as they were sent, which keeps them.</summary>
    public async Task<AlertChannel> ChangeChannelAsync(Guid id, Func<AlertChannel, AlertChannel> change, CancellationToken cancellationToken)
    {
        var channel = (await ChannelsAsync(cancellationToken)).SingleOrDefault(c => c.Id == id) ?? throw new ApiProblem(404, $"No alert channel {id}.", []);
        return await SendAsync<AlertChannel>(HttpMethod.Put, $"api/v1/alert-channels/{id}", change(channel), cancellationToken);
    }

    public async Task<List<AlertChannel>> ChannelsAsync(CancellationToken cancellationToken) => await GetAsync<List<AlertChannel>>("api/v1/alert-channels", cancellationToken) ?? [];

    public Task<AlertChannel> CreateChannelAsync(object channel, CancellationToken cancellationToken) => SendAsync<AlertChannel>(HttpMethod.Post, "api/v1/alert-channels", channel, cancellationToken);

    public Task<Delivery> TestChannelAsync(Guid id, CancellationToken cancellationToken) => SendAsync<Delivery>(HttpMethod.Post, $"api/v1/alert-channels/{id}/test", new { }, cancellationToken);

    public async Task<List<Delivery>> DeliveriesAsync(Guid channelId, CancellationToken cancellationToken) =>
        await GetAsync<List<Delivery>>($"api/v1/alert-channels/{channelId}/deliveries", cancellationToken) ?? [];

    public Task DeleteChannelAsync(Guid id, CancellationToken cancellationToken) => DeleteAsync($"api/v1/alert-channels/{id}", cancellationToken);

    public Task<Alert> AcknowledgeAsync(Guid id, CancellationToken cancellationToken) => SendAsync<Alert>(HttpMethod.Post, $"api/v1/alerts/{id}/acknowledge", new { }, cancellationToken);

    public async Task<List<Restore>> RestoresAsync(int page, CancellationToken cancellationToken) =>
        await GetAsync<List<Restore>>($"api/v1/restores?page={page}&pageSize=50", cancellationToken) ?? [];

    public Task<SourceTest> TestSourceAsync(Guid id, CancellationToken cancellationToken) => SendAsync<SourceTest>(HttpMethod.Post, $"api/v1/sources/{id}/test", new { }, cancellationToken);

    public Task<Source?> SourceAsync(Guid id, CancellationToken cancellationToken) => GetAsync<Source>($"api/v1/sources/{id}", cancellationToken);

    public Task<Source> SaveSourceAsync(Guid? id, object source, CancellationToken cancellationToken) =>
        SendAsync<Source>(id is null ? HttpMethod.Post : HttpMethod.Put, id is null ? "api/v1/sources" : $"api/v1/sources/{id}", source, cancellationToken);

    public Task<Source> EnablePitrAsync(Guid id, CancellationToken cancellationToken) => SendAsync<Source>(HttpMethod.Post, $"api/v1/sources/{id}/pitr/enable", new { }, cancellationToken);

    public Task<Schedule> SetScheduleActiveAsync(Guid id, bool active, CancellationToken cancellationToken) =>
        SendAsync<Schedule>(HttpMethod.Post, $"api/v1/schedules/{id}/{(active ? "resume" : "pause")}", new { }, cancellationToken);

    public Task<AuditPage?> AuditAsync(int page, CancellationToken cancellationToken) => GetAsync<AuditPage>($"api/v1/audit?page={page}&pageSize=50", cancellationToken);

    public Task<ChainVerification?> VerifyAuditAsync(CancellationToken cancellationToken) => GetAsync<ChainVerification>("api/v1/audit/verify", cancellationToken);

    public async Task<List<UserInfo>> UsersAsync(CancellationToken cancellationToken) => await GetAsync<List<UserInfo>>("api/v1/users", cancellationToken) ?? [];

    public async Task<List<ClientInfo>> ClientsAsync(CancellationToken cancellationToken) => await GetAsync<List<ClientInfo>>("api/v1/clients", cancellationToken) ?? [];

    public Task<UserInfo> CreateUserAsync(string userName, string password, string role, CancellationToken cancellationToken) =>
        SendAsync<UserInfo>(HttpMethod.Post, "api/v1/users", new { userName, password, role }, cancellationToken);

    public Task<UserInfo> UpdateUserAsync(Guid id, string role, string? password, CancellationToken cancellationToken) =>
        SendAsync<UserInfo>(HttpMethod.Put, $"api/v1/users/{id}", new { role, password }, cancellationToken);

    public Task DeleteUserAsync(Guid id, CancellationToken cancellationToken) => DeleteAsync($"api/v1/users/{id}", cancellationToken);

    public Task<CreatedClient> CreateClientAsync(string clientId, string? displayName, string role, CancellationToken cancellationToken) =>
        SendAsync<CreatedClient>(HttpMethod.Post, "api/v1/clients", new { clientId, displayName, role }, cancellationToken);

    public Task DeleteClientAsync(string clientId, CancellationToken cancellationToken) => DeleteAsync($"api/v1/clients/{Uri.EscapeDataString(clientId)}", cancellationToken);

    public async Task<List<KeyInfo>> KeysAsync(CancellationToken cancellationToken) => await GetAsync<List<KeyInfo>>("api/v1/keys", cancellationToken) ?? [];

    public Task<KeyInfo> RotateKeyAsync(CancellationToken cancellationToken) => SendAsync<KeyInfo>(HttpMethod.Post, "api/v1/keys/rotate", new { }, cancellationToken);

    public async Task<List<Location>> LocationsAsync(CancellationToken cancellationToken) => await GetAsync<List<Location>>("api/v1/storage", cancellationToken) ?? [];

    public Task<Location> CreateLocationAsync(object location, CancellationToken cancellationToken) => SendAsync<Location>(HttpMethod.Post, "api/v1/storage", location, cancellationToken);

    public Task DeleteLocationAsync(Guid id, CancellationToken cancellationToken) => DeleteAsync($"api/v1/storage/{id}", cancellationToken);

    public Task<LocationTest> TestLocationAsync(Guid id, CancellationToken cancellationToken) => SendAsync<LocationTest>(HttpMethod.Post, $"api/v1/storage/{id}/test", new { }, cancellationToken);

    public Task<ReindexResult> ReindexAsync(Guid id, CancellationToken cancellationToken) => SendAsync<ReindexResult>(HttpMethod.Post, $"api/v1/storage/{id}/reindex", new { }, cancellationToken);

    public Task<Source> SetStoragePolicyAsync(Guid sourceId, List<Guid> locationIds, CancellationToken cancellationToken) =>
        SendAsync<Source>(HttpMethod.Put, $"api/v1/sources/{sourceId}/storage-policy", new { locationIds }, cancellationToken);

    public Task<Drill> StartDrillAsync(Guid sourceId, CancellationToken cancellationToken) => SendAsync<Drill>(HttpMethod.Post, $"api/v1/sources/{sourceId}/drill", new { }, cancellationToken);

    public async Task<List<Drill>> DrillsAsync(Guid sourceId, CancellationToken cancellationToken) => await GetAsync<List<Drill>>($"api/v1/sources/{sourceId}/drills", cancellationToken) ?? [];

    public Task<Source> SaveDrillSettingsAsync(Guid sourceId, object settings, CancellationToken cancellationToken) =>
        SendAsync<Source>(HttpMethod.Put, $"api/v1/sources/{sourceId}/drill-settings", settings, cancellationToken);

    public Task<Schedule?> ScheduleAsync(Guid id, CancellationToken cancellationToken) => GetAsync<Schedule>($"api/v1/schedules/{id}", cancellationToken);

    public Task<Schedule> SaveScheduleAsync(Guid? id, object schedule, CancellationToken cancellationToken) =>
        SendAsync<Schedule>(id is null ? HttpMethod.Post : HttpMethod.Put, id is null ? "api/v1/schedules" : $"api/v1/schedules/{id}", schedule, cancellationToken);

    public Task DeleteScheduleAsync(Guid id, CancellationToken cancellationToken) => DeleteAsync($"api/v1/schedules/{id}", cancellationToken);

    public Task<CronPreview?> PreviewCronAsync(string expression, string timeZone, CancellationToken cancellationToken) =>
        GetAsync<CronPreview>($"api/v1/schedules/preview?count=5{Q("cronExpression", expression)}{Q("timeZone", timeZone)}", cancellationToken);

    public Task<RetentionPreview?> RetentionPreviewAsync(Guid sourceId, CancellationToken cancellationToken) =>
        GetAsync<RetentionPreview>($"api/v1/retention/preview?sourceId={sourceId}", cancellationToken);

    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await http.DeleteAsync(path, cancellationToken);
        await EnsureAsync(response, cancellationToken);
    }

    private static string Q(string name, string? value) => value is null ? "" : $"&{name}={Uri.EscapeDataString(value)}";

    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return default;
        await EnsureAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }, cancellationToken);
        await EnsureAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    /// <summary>Turns a problem+json answer into an <see cref="ApiProblem"/> carrying the Api's own words.</summary>
    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? problem = null;
        try { problem = JsonNode.Parse(text); } catch (JsonException) { }
        var fields = problem?["errors"] is JsonArray errors
            ? errors.Where(e => e?["name"] is not null).GroupBy(e => e!["name"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.First()!["reason"]?.GetValue<string>() ?? "")
            : [];
        throw new ApiProblem((int)response.StatusCode, problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>() ?? $"The Api answered {(int)response.StatusCode}.", fields);
    }
}
