using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

/// <summary>Two engine instances on one catalog, both ticking: every scheduled minute becomes exactly one job.</summary>
[Collection(ApiCollection.Name)]
public sealed class TwoInstanceSchedulingTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_every_minute_schedule_fires_once_per_minute_with_two_instances_on_one_catalog()
    {
        const string catalog = "bp_catalog_twins";
        Dictionary<string, string?> settings = new()
        {
            ["ConnectionStrings:Catalog"] = fixture.Cluster.ConnectionString(catalog),
            ["Scheduler:Enabled"] = "true",
        };
        await using var first = fixture.CreateFactory(settings);
        using var client = await fixture.AuthorizedClientAsync(first);
        await using var second = fixture.CreateFactory(settings);
        _ = second.Services; // start the second host: its ticker and worker run too

        await fixture.Cluster.CreateDatabaseAsync("twins_src");
        await fixture.Cluster.ExecuteAsync("twins_src", "create table t as select generate_series(1, 100) id;");
        var source = await Post(client, "/api/v1/sources", new
        {
            name = "twins", host = "127.0.0.1", port = fixture.Cluster.Port, database = "twins_src", username = "postgres",
            password = ApiFixture.DemoPassword, sslMode = "disable",
        });
        var schedule = await Post(client, "/api/v1/schedules", new
        {
            name = "every minute", sourceId = source["id"]!.ToString(), backupType = "schema_only", cronExpression = "* * * * *",
        });

        // Long enough to cross at least two minute boundaries.
        var until = DateTimeOffset.UtcNow.AddMinutes(2).AddSeconds(20);
        while (DateTimeOffset.UtcNow < until) await Task.Delay(1000);

        var perMinute = await fixture.Cluster.ScalarAsync<string>(catalog, $"""
            select coalesce(string_agg(n::text, ',' order by scheduled_for), '')
            from (select scheduled_for, count(*) n from backup_jobs where schedule_id = '{schedule["id"]}' group by scheduled_for) x
            """);
        var counts = perMinute.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.True(counts.Count >= 2, $"expected runs for at least two minutes, got [{perMinute}]");
        Assert.All(counts, n => Assert.Equal(1, n));
        Assert.Equal(0L, await fixture.Cluster.ScalarAsync<long>(catalog,
            $"select count(*) from backup_jobs where schedule_id = '{schedule["id"]}' and scheduled_for is null"));
    }

    private static async Task<JsonNode> Post(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
