using System.Net;
using System.Text.Json.Nodes;
using BackupPortal.Infrastructure.Drills;
using BackupPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace BackupPortal.Tests.Api;

/// <summary>Restore drills against real servers: restores into scratch databases, the source's own SQL checks, RTO, alerts, schedules.</summary>
[Collection(ApiCollection.Name)]
public sealed class DrillTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    private const string Shop = """
        create table orders (id int primary key, created_at timestamptz not null default now(), total numeric);
        insert into orders (id, total) select g, g * 1.5 from generate_series(1, 500) g;
        """;

    [Fact]
    public async Task A_drill_restores_the_newest_full_backup_runs_the_source_checks_records_its_RTO_and_drops_the_scratch_database()
    {
        var database = "drill_" + Guid.NewGuid().ToString("N")[..6];
        var sourceId = await _api.AddSourceAsync(database, Shop);
        var backup = await _api.BackupAsync(sourceId);
        var settings = await _api.SendAsync(HttpMethod.Put, $"/api/v1/sources/{sourceId}/drill-settings", new
        {
            cronExpression = "0 4 1 * *", enabled = true,
            checks = new[]
            {
                new { name = "recent orders", sql = "select count(*) from orders where created_at > now() - interval '1 day'", @operator = ">", expected = "0" },
                new { name = "order total", sql = "select sum(total) from orders", @operator = "=", expected = "187875.0" },
            },
        });
        Assert.Equal(2, settings["drill"]!["checks"]!.AsArray().Count);
        Assert.NotNull(settings["drill"]!["nextRunAt"]);

        var drill = await RunDrillAsync(sourceId);
        Assert.True(drill["status"]!.GetValue<string>() == "passed", drill.ToJsonString());
        Assert.Equal(["full_restore", "row_counts", "sql: recent orders", "sql: order total", "cleanup"], Names(drill));
        Assert.Equal(backup["id"]!.ToString(), drill["backupJobId"]!.ToString());
        Assert.True(drill["rtoSeconds"]!.GetValue<double>() > 0, drill.ToJsonString());
        Assert.Equal(0L, await fixture.Cluster.ScalarAsync<long>("postgres", "select count(*) from pg_database where datname like 'bp_drill_%'"));

        // The drill's restore is in the history like any other, with its reason.
        var restore = await _api.GetAsync($"/api/v1/restores/{drill["restoreId"]}");
        Assert.Equal("completed", restore["status"]!.GetValue<string>());
        Assert.StartsWith($"Restore drill {drill["id"]}", restore["reason"]!.GetValue<string>());

        var source = await _api.GetAsync($"/api/v1/sources/{sourceId}");
        Assert.Equal(drill["completedAt"]!.GetValue<DateTimeOffset>(), source["lastProvenRestorableAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(drill["rtoSeconds"]!.GetValue<double>(), source["lastRtoSeconds"]!.GetValue<double>());
        Assert.Equal(drill["id"]!.ToString(), (await _api.GetAsync($"/api/v1/sources/{sourceId}/drills")).AsArray()[0]!["id"]!.ToString());
    }

    [Fact]
    public async Task A_drill_that_fails_its_SQL_check_raises_an_alert_that_a_passing_drill_resolves()
    {
        var database = "drillfail_" + Guid.NewGuid().ToString("N")[..6];
        var sourceId = await _api.AddSourceAsync(database, Shop);
        await _api.BackupAsync(sourceId);
        await SetCheckAsync(sourceId, "select count(*) from orders where total < 0", ">", "0");

        var failed = await RunDrillAsync(sourceId);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        var check = failed["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "sql: orders")!;
        Assert.False(check["passed"]!.GetValue<bool>());
        Assert.Contains("Returned 0", check["detail"]!.GetValue<string>());
        Assert.Equal(0L, await fixture.Cluster.ScalarAsync<long>("postgres", "select count(*) from pg_database where datname like 'bp_drill_%'"));
        Assert.Null((await _api.GetAsync($"/api/v1/sources/{sourceId}"))["lastProvenRestorableAt"]);

        var firing = await _api.WaitAsync("/api/v1/alerts?state=firing&pageSize=100", a => a.AsArray().Any(x => IsDrillAlert(x!, failed)));
        Assert.Contains("sql: orders", firing.AsArray().First(x => IsDrillAlert(x!, failed))!["message"]!.GetValue<string>());

        await SetCheckAsync(sourceId, "select count(*) from orders", "=", "500");
        var passed = await RunDrillAsync(sourceId);
        Assert.True(passed["status"]!.GetValue<string>() == "passed", passed.ToJsonString());
        await _api.WaitAsync("/api/v1/alerts?state=resolved&pageSize=100", a => a.AsArray().Any(x => IsDrillAlert(x!, failed)));
    }

    [Fact]
    public async Task A_drill_of_a_point_in_time_source_also_recovers_a_random_moment_of_its_window()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.CreateDatabaseAsync("ledger");
        await cluster.ExecuteAsync("ledger", Shop);
        var source = await _api.PostAsync("/api/v1/sources", new
        {
            name = $"ledger-{cluster.Port}", host = "127.0.0.1", port = cluster.Port, database = "ledger", username = "postgres", password = "unused", sslMode = "disable",
        }, HttpStatusCode.Created);
        var sourceId = source["id"]!.GetValue<string>();
        try
        {
            await _api.PostAsync($"/api/v1/sources/{sourceId}/pitr/enable", new { });
            await _api.BackupAsync(sourceId, "base");
            await cluster.ExecuteAsync("ledger", "insert into orders (id, total) values (501, 1)");
            await _api.BackupAsync(sourceId);

            var drill = await RunDrillAsync(sourceId);
            Assert.True(drill["status"]!.GetValue<string>() == "passed", drill.ToJsonString());
            Assert.Contains("pitr_restore", Names(drill));
            var window = await _api.GetAsync($"/api/v1/sources/{sourceId}/recovery-window");
            var target = drill["pitrTargetTime"]!.GetValue<DateTimeOffset>();
            Assert.True(target >= window["earliest"]!.GetValue<DateTimeOffset>() && target <= window["latest"]!.GetValue<DateTimeOffset>(), $"{target:O} outside {window.ToJsonString()}");
            Assert.True(drill["pitrRtoSeconds"]!.GetValue<double>() > 0);
            Assert.Equal(0L, await cluster.ScalarAsync<long>("postgres", "select count(*) from pg_database where datname like 'bp_drill_%'"));
        }
        finally
        {
            await _api.PostAsync($"/api/v1/sources/{sourceId}/pitr/disable", new { });
        }
    }

    [Fact]
    public async Task A_due_drill_schedule_queues_one_drill_per_occurrence_however_often_it_ticks()
    {
        var database = "drillsched_" + Guid.NewGuid().ToString("N")[..6];
        var sourceId = Guid.Parse(await _api.AddSourceAsync(database, Shop));
        var due = DateTimeOffset.UtcNow.AddMinutes(-1);
        await fixture.Cluster.ExecuteAsync("bp_catalog", $"update sources set drill_next_run_at = '{due:O}' where id = '{sourceId}'");

        using (var scope = fixture.Factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<DrillService>().RunDueAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        // A second instance that read the same occurrence before the first moved it on.
        await fixture.Cluster.ExecuteAsync("bp_catalog", $"update sources set drill_next_run_at = '{due:O}' where id = '{sourceId}'");
        using (var scope = fixture.Factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<DrillService>().RunDueAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        var drills = (await _api.GetAsync($"/api/v1/sources/{sourceId}/drills")).AsArray();
        var drill = Assert.Single(drills)!;
        Assert.Equal("schedule", drill["trigger"]!.GetValue<string>());
        // No full backup yet: the drill fails and says why, rather than passing on nothing.
        var done = await _api.WaitAsync($"/api/v1/drills/{drill["id"]}", d => d["status"]!.GetValue<string>() is "passed" or "failed");
        Assert.Equal("failed", done["status"]!.GetValue<string>());
        Assert.Contains("no completed full backup", done["checks"]![0]!["detail"]!.GetValue<string>());
        Assert.True((await _api.GetAsync($"/api/v1/sources/{sourceId}"))["drill"]!["nextRunAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow);
    }

    private async Task<JsonNode> RunDrillAsync(string sourceId)
    {
        var drill = await _api.PostAsync($"/api/v1/sources/{sourceId}/drill", new { }, HttpStatusCode.Accepted);
        Assert.Equal("pending", drill["status"]!.GetValue<string>());
        await _api.PostAsync($"/api/v1/sources/{sourceId}/drill", new { }, HttpStatusCode.Conflict);
        return await _api.WaitAsync($"/api/v1/drills/{drill["id"]}", d => d["status"]!.GetValue<string>() is "passed" or "failed");
    }

    private Task<JsonNode> SetCheckAsync(string sourceId, string sql, string op, string expected) =>
        _api.SendAsync(HttpMethod.Put, $"/api/v1/sources/{sourceId}/drill-settings", new
        {
            cronExpression = "0 4 1 * *", enabled = true, checks = new[] { new { name = "orders", sql, @operator = op, expected } },
        });

    private static bool IsDrillAlert(JsonNode alert, JsonNode drill) =>
        alert["kind"]!.GetValue<string>() == "drill_failed" && alert["message"]!.GetValue<string>().Contains(drill["id"]!.ToString());

    private static List<string> Names(JsonNode drill) => [.. drill["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())];
}
