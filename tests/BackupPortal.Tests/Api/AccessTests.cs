using System.Net;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

/// <summary>Every route, walked with no token and with each role: a new route cannot slip through unprotected.</summary>
[Collection(ApiCollection.Name)]
public sealed class AccessTests(ApiFixture fixture)
{
    private static readonly string Id = Guid.Empty.ToString();

    /// <summary>Method, path and the least role that may use it.</summary>
    private static readonly (string Method, string Path, string Role)[] Routes =
    [
        ("GET", "/api/v1/me", "viewer"),
        ("GET", "/api/v1/sources", "viewer"), ("POST", "/api/v1/sources", "operator"), ("GET", $"/api/v1/sources/{Id}", "viewer"),
        ("PUT", $"/api/v1/sources/{Id}", "operator"), ("DELETE", $"/api/v1/sources/{Id}", "operator"), ("POST", $"/api/v1/sources/{Id}/test", "operator"),
        ("POST", $"/api/v1/sources/{Id}/pitr/enable", "operator"), ("POST", $"/api/v1/sources/{Id}/pitr/disable", "operator"),
        ("GET", $"/api/v1/sources/{Id}/recovery-window", "viewer"), ("DELETE", $"/api/v1/restores/{Id}/instance", "admin"),
        ("GET", "/api/v1/backups", "viewer"), ("POST", "/api/v1/backups", "operator"), ("GET", $"/api/v1/backups/{Id}", "viewer"),
        ("POST", $"/api/v1/backups/{Id}/verify", "operator"), ("POST", $"/api/v1/backups/{Id}/cancel", "operator"),
        ("POST", $"/api/v1/restores/{Id}/cancel", "admin"), ("GET", $"/api/v1/backups/{Id}/contents", "viewer"),
        ("GET", $"/api/v1/backups/{Id}/manifest", "viewer"),
        ("GET", "/api/v1/restores", "viewer"), ("POST", "/api/v1/restores", "admin"), ("GET", $"/api/v1/restores/{Id}", "viewer"),
        ("GET", "/api/v1/schedules", "viewer"), ("POST", "/api/v1/schedules", "operator"), ("GET", "/api/v1/schedules/preview", "viewer"),
        ("GET", $"/api/v1/schedules/{Id}", "viewer"), ("PUT", $"/api/v1/schedules/{Id}", "operator"), ("DELETE", $"/api/v1/schedules/{Id}", "operator"),
        ("POST", $"/api/v1/schedules/{Id}/pause", "operator"), ("POST", $"/api/v1/schedules/{Id}/resume", "operator"),
        ("GET", $"/api/v1/schedules/{Id}/preview", "viewer"), ("POST", $"/api/v1/schedules/{Id}/run", "operator"),
        ("GET", $"/api/v1/retention/preview?sourceId={Id}", "viewer"), ("POST", "/api/v1/retention/run", "operator"),
        ("GET", "/api/v1/users", "admin"), ("POST", "/api/v1/users", "admin"), ("PUT", $"/api/v1/users/{Id}", "admin"), ("DELETE", $"/api/v1/users/{Id}", "admin"),
        ("GET", "/api/v1/clients", "admin"), ("POST", "/api/v1/clients", "admin"), ("DELETE", "/api/v1/clients/no-such-client", "admin"),
        ("GET", "/api/v1/keys", "admin"), ("POST", "/api/v1/keys/rotate", "admin"), ("POST", "/api/v1/keys/rewrap", "admin"),
        ("GET", "/api/v1/audit", "admin"), ("GET", "/api/v1/audit/verify", "admin"),
        ("GET", "/api/v1/metrics/summary", "viewer"), ("GET", "/api/v1/metrics/running", "viewer"), ("GET", "/api/v1/metrics/timeseries?metric=jobs_by_status", "viewer"), ("GET", "/metrics", "viewer"),
        ("GET", "/api/v1/alert-rules", "viewer"), ("POST", "/api/v1/alert-rules", "admin"), ("PUT", $"/api/v1/alert-rules/{Id}", "admin"),
        ("DELETE", $"/api/v1/alert-rules/{Id}", "admin"), ("GET", "/api/v1/alert-channels", "admin"), ("POST", "/api/v1/alert-channels", "admin"),
        ("PUT", $"/api/v1/alert-channels/{Id}", "admin"), ("DELETE", $"/api/v1/alert-channels/{Id}", "admin"), ("POST", $"/api/v1/alert-channels/{Id}/test", "admin"),
        ("GET", $"/api/v1/alert-channels/{Id}/deliveries", "admin"), ("GET", "/api/v1/alerts", "viewer"), ("POST", $"/api/v1/alerts/{Id}/acknowledge", "operator"),
        ("POST", "/api/v1/system/self-test", "admin"),
        ("GET", "/api/v1/storage", "viewer"), ("POST", "/api/v1/storage", "admin"), ("GET", $"/api/v1/storage/{Id}", "viewer"),
        ("PUT", $"/api/v1/storage/{Id}", "admin"), ("DELETE", $"/api/v1/storage/{Id}", "admin"), ("POST", $"/api/v1/storage/{Id}/test", "operator"),
        ("POST", $"/api/v1/storage/{Id}/reindex", "admin"),
        ("PUT", $"/api/v1/sources/{Id}/storage-policy", "operator"),
        ("POST", $"/api/v1/sources/{Id}/drill", "operator"), ("GET", $"/api/v1/sources/{Id}/drills", "viewer"), ("GET", $"/api/v1/drills/{Id}", "viewer"),
        ("PUT", $"/api/v1/sources/{Id}/drill-settings", "admin"),
    ];

    private static readonly string[] Ladder = ["viewer", "operator", "admin"];

    /// <summary>Bodies for routes whose empty request would do real work: a self-test of no source at all.</summary>
    private static readonly Dictionary<string, string> Bodies = new() { ["/api/v1/system/self-test"] = """{"sourceIds":[]}""" };

    [Fact]
    public async Task Each_route_answers_401_without_a_token_403_below_its_role_and_lets_its_role_through()
    {
        using var anonymous = fixture.Factory.CreateClient();
        var clients = new Dictionary<string, HttpClient>
        {
            ["viewer"] = await fixture.ClientWithRoleAsync("viewer"),
            ["operator"] = await fixture.ClientWithRoleAsync("operator"),
            ["admin"] = fixture.Client,
        };
        var wrong = new List<string>();
        foreach (var (method, path, least) in Routes)
        {
            var status = await SendAsync(anonymous, method, path);
            if (status != HttpStatusCode.Unauthorized) wrong.Add($"{method} {path} without a token: {(int)status}");
            foreach (var role in Ladder)
            {
                status = await SendAsync(clients[role], method, path);
                var allowed = Array.IndexOf(Ladder, role) >= Array.IndexOf(Ladder, least);
                if (allowed && status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    wrong.Add($"{method} {path} as {role}: {(int)status}, expected it to be let through");
                if (!allowed && status != HttpStatusCode.Forbidden)
                    wrong.Add($"{method} {path} as {role}: {(int)status}, expected 403");
            }
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public async Task Every_documented_api_route_is_in_the_access_table()
    {
        using var anonymous = fixture.Factory.CreateClient();
        var document = JsonNode.Parse(await anonymous.GetStringAsync("/swagger/v1/swagger.json"))!;
        var documented = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key.Replace("{id}", Id).Replace("{clientId}", "no-such-client")}"))
            .Where(r => r.Contains("/api/"))
            .ToHashSet();
        Assert.Empty(documented.Except(Routes.Select(r => $"{r.Method} {r.Path.Split('?')[0]}")));
    }

    [Fact]
    public async Task Unauthorized_and_forbidden_answers_are_problem_details()
    {
        using var anonymous = fixture.Factory.CreateClient();
        var unauthorized = await anonymous.GetAsync("/api/v1/sources");
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType?.MediaType);
        var viewer = await fixture.ClientWithRoleAsync("viewer");
        var forbidden = await viewer.PostAsync("/api/v1/restores", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT") request.Content = new StringContent(Bodies.GetValueOrDefault(path, "{}"), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
