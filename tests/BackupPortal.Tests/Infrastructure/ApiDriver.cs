using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BackupPortal.Tests.Infrastructure;

/// <summary>Drives the Api the way a script would: JSON in, JSON out, polling until jobs finish. Another instance's client may be given.</summary>
public sealed class ApiDriver(ApiFixture fixture, HttpClient? client = null)
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    public HttpClient Client => client ?? fixture.Client;

    public async Task<JsonNode> SendAsync(HttpMethod method, string url, object? body = null, HttpStatusCode? expect = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (expect is { } code)
            Assert.True(response.StatusCode == code, $"{method} {url}: expected {(int)code}, got {(int)response.StatusCode}: {text}");
        else
            Assert.True(response.IsSuccessStatusCode, $"{method} {url} failed with {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public Task<JsonNode> GetAsync(string url) => SendAsync(HttpMethod.Get, url);

    public Task<JsonNode> PostAsync(string url, object body, HttpStatusCode? expect = null) => SendAsync(HttpMethod.Post, url, body, expect);

    /// <summary>Creates a database on the test cluster and registers it as a source.</summary>
    public async Task<string> AddSourceAsync(string database, string setupSql)
    {
        await fixture.Cluster.CreateDatabaseAsync(database);
        await fixture.Cluster.ExecuteAsync(database, setupSql);
        var source = await PostAsync("/api/v1/sources", new
        {
            name = database,
            host = "127.0.0.1",
            port = fixture.Cluster.Port,
            database,
            username = "postgres",
            password = ApiFixture.DemoPassword,
            sslMode = "disable",
        }, HttpStatusCode.Created);
        return source["id"]!.GetValue<string>();
    }

    /// <summary>Takes a backup and waits until it is completed and its verification has finished.</summary>
    public async Task<JsonNode> BackupAsync(string sourceId, string type = "full", bool expectVerified = true)
    {
        var job = await PostAsync("/api/v1/backups", new { sourceId, backupType = type }, HttpStatusCode.Accepted);
        var id = job["id"]!.GetValue<string>();
        var detail = await WaitAsync($"/api/v1/backups/{id}", d =>
            d["status"]!.GetValue<string>() is "failed" or "cancelled"
            || d["verificationStatus"]!.GetValue<string>() != "pending");
        Assert.True(detail["status"]!.GetValue<string>() == "completed", $"Backup did not complete: {detail.ToJsonString()}");
        if (expectVerified)
            Assert.True(detail["verificationStatus"]!.GetValue<string>() == "verified", $"Backup was not verified: {detail.ToJsonString()}");
        return detail;
    }

    public async Task<JsonNode> RestoreAsync(object request)
    {
        var operation = await PostAsync("/api/v1/restores", request, HttpStatusCode.Accepted);
        return await WaitAsync($"/api/v1/restores/{operation["id"]}", r => r["status"]!.GetValue<string>() is "completed" or "failed" or "cancelled");
    }

    public async Task<JsonNode> WaitAsync(string url, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            var node = await GetAsync(url);
            if (done(node)) return node;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{url} did not finish in {JobTimeout}: {node.ToJsonString()}\nErrors logged: "
                    + string.Join("\n", fixture.Logs.Text.Split('\n').Where(l => l.StartsWith("Error") || l.StartsWith("Critical")).TakeLast(5)));
            await Task.Delay(250);
        }
    }

    /// <summary>A content checksum per table: identical rows in identical order give identical sums.</summary>
    public Task<string> ChecksumAsync(string database, string table, string orderBy = "id") =>
        fixture.Cluster.ScalarAsync<string>(database, $"select coalesce(md5(string_agg(t::text, '|' order by {orderBy})), 'empty') from {table} t");
}
