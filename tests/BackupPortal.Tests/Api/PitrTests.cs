using System.Net;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;
using Npgsql;

namespace BackupPortal.Tests.Api;

/// <summary>
/// Point-in-time recovery against real servers: each test starts its own source cluster (wal_level=replica), enables
/// continuous archiving through the Api, and recovers with PostgreSQL's own WAL replay.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PitrTests(ApiFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ApiDriver _api = new(fixture);
    private readonly List<string> _sources = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The test clusters are gone by now: stop streaming from them, so the shared Api does not retry them for the rest of the run.</summary>
    public async Task DisposeAsync()
    {
        if (_sources.Count > 0)
            await fixture.Cluster.ExecuteAsync("bp_catalog",
                $"update sources set point_in_time_recovery = false where id in ({string.Join(", ", _sources.Select(s => $"'{s}'"))})");
    }

    [Fact]
    public async Task Restore_to_a_time_brings_back_what_was_committed_before_it_including_DDL_and_nothing_after()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", """
            create table items (id int primary key, note text);
            create table altered (id int);
            alter table altered add column extra text;
            insert into altered values (1, 'before');
            """);
        await _api.BackupAsync(id, "base");

        await source.ExecuteAsync("shop", "insert into items values (1, 'A')");
        var t = await TimeAfterCommitAsync(source);
        await source.ExecuteAsync("shop", "insert into items values (2, 'B'); create table c (id int);");
        await WaitReceivedAsync(id, t);

        var restore = await _api.RestoreAsync(new
        {
            restoreType = "point_in_time", sourceId = id, targetTime = t.ToString("O"), targetDatabase = "shop_at_t", reason = "test: recover to T",
        });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal("A", await source.ScalarAsync<string>("shop_at_t", "select string_agg(note, ',' order by id) from items"));
        Assert.False(await source.ScalarAsync<bool>("shop_at_t", "select to_regclass('public.c') is not null"), "table c was created after T");
        Assert.Equal("before", await source.ScalarAsync<string>("shop_at_t", "select extra from altered where id = 1"));
        var reached = restore["replayEndTime"]!.GetValue<DateTimeOffset>();
        Assert.True(reached <= t, $"replay reached {reached:O}, past the target {t:O}");
        Assert.Equal(t.ToString("O"), DateTimeOffset.Parse(restore["targetTime"]!.GetValue<string>()).ToString("O"));
        Assert.True(restore["timings"]!["replay_seconds"]!.GetValue<double>() > 0, restore.ToJsonString());
        output.WriteLine($"target {t:O}, reached {reached:O}, timings {restore["timings"]!.ToJsonString()}");
    }

    [Fact]
    public async Task A_target_past_the_last_commit_replays_all_the_WAL_received_and_records_the_time_reached()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", "create table items (id int primary key, note text);");
        await _api.BackupAsync(id, "base");
        await source.ExecuteAsync("shop", "insert into items values (1, 'last commit before the target')");
        var committed = new DateTimeOffset(await source.ScalarAsync<DateTime>("postgres", "select clock_timestamp()"), TimeSpan.Zero);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var t = DateTimeOffset.UtcNow;

        var restore = await _api.RestoreAsync(new { restoreType = "point_in_time", sourceId = id, targetTime = t.ToString("O"), targetDatabase = "shop_past_end", reason = "test: target after the last commit" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal("last commit before the target", await source.ScalarAsync<string>("shop_past_end", "select note from items where id = 1"));
        var reached = restore["replayEndTime"]!.GetValue<DateTimeOffset>();
        Assert.True(reached <= committed && reached > committed.AddSeconds(-2), $"replay reached {reached:O}; the last commit was just before {committed:O}");
        Assert.Contains(fixture.Logs.Text.Split('\n'), l => l.Contains(restore["id"]!.GetValue<string>()) && l.Contains("all WAL received was replayed"));
    }

    [Fact]
    public async Task One_table_as_of_a_time_goes_back_into_the_live_database_and_leaves_the_others_alone()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", """
            create table customers (id int primary key, name text);
            create table orders (id int primary key, customer int references customers, amount numeric);
            insert into customers select g, 'c' || g from generate_series(1, 50) g;
            insert into orders select g, 1 + g % 50, g * 10 from generate_series(1, 500) g;
            """);
        await _api.BackupAsync(id, "base");
        var before = await source.ScalarAsync<string>("shop", Checksum("orders"));
        var t = await TimeAfterCommitAsync(source);
        await source.ExecuteAsync("shop", "update orders set amount = 0; insert into customers values (51, 'new after T');");
        await WaitReceivedAsync(id, t);

        var restore = await _api.RestoreAsync(new
        {
            restoreType = "point_in_time", sourceId = id, targetTime = t.ToString("O"), tables = new[] { "public.orders" },
            targetDatabase = "shop", overwrite = true, confirm = "shop", reason = "test: undo a wrong update",
        });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal(before, await source.ScalarAsync<string>("shop", Checksum("orders")));
        Assert.Equal(51L, await source.ScalarAsync<long>("shop", "select count(*) from customers"));
        Assert.True(await source.ScalarAsync<bool>("shop",
            "select exists(select 1 from pg_constraint where conrelid = 'orders'::regclass and contype = 'f')"), "orders keeps its foreign key");
        Assert.NotNull(restore["safetyBackupId"]?.GetValue<string>());
        Assert.Equal(500L, restore["rowCounts"]![0]!["actual"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_row_committed_a_second_before_the_source_crashed_is_in_the_latest_recovery_kept_for_inspection()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", "create table events (id int primary key, what text);");
        await _api.BackupAsync(id, "base");
        await source.ExecuteAsync("shop", "insert into events values (1, 'the last word')");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await source.CrashAsync();

        var restore = await _api.RestoreAsync(new { restoreType = "point_in_time", sourceId = id, targetTime = "latest", keepInstance = true, reason = "test: RPO" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal("latest", restore["targetTime"]!.GetValue<string>());
        var instance = restore["instance"]!;
        var connection = $"Host={instance["host"]};Port={instance["port"]};Database={instance["database"]};Username={instance["username"]};Password={instance["password"]};Pooling=false";
        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await using var query = new NpgsqlCommand("select what from events where id = 1", db);
            Assert.Equal("the last word", await query.ExecuteScalarAsync());
        }

        var stopped = await _api.SendAsync(HttpMethod.Delete, $"/api/v1/restores/{restore["id"]}/instance");
        Assert.NotNull(stopped["instance"]!["stoppedAt"]?.GetValue<DateTimeOffset>());
        await using var gone = new NpgsqlConnection(connection);
        await Assert.ThrowsAnyAsync<Exception>(() => gone.OpenAsync());
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/restores/{restore["id"]}/instance", expect: HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Incremental_is_a_small_fraction_of_a_full_and_a_lost_segment_fails_verification_and_shows_as_a_gap()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", """
            create table big as select g as id, md5(g::text) as a, md5((g * 7)::text) as b, now() as at from generate_series(1, 800000) g;
            """);
        var full = await _api.BackupAsync(id, "full");
        await _api.BackupAsync(id, "base");
        await source.ExecuteAsync("shop", "update big set a = 'changed ' || a where id <= 8000");
        var first = await _api.BackupAsync(id, "incremental");
        var ratio = first["fileSizeBytes"]!.GetValue<double>() / full["fileSizeBytes"]!.GetValue<double>();
        output.WriteLine($"incremental {first["fileSizeBytes"]} bytes, full {full["fileSizeBytes"]} bytes: {ratio:P2}");
        Assert.True(ratio < 0.05, $"incremental is {ratio:P1} of the full ({first["fileSizeBytes"]} vs {full["fileSizeBytes"]} bytes)");
        var segments = first["wal"]!["segments"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.NotEmpty(segments);

        await source.ExecuteAsync("shop", "update big set b = 'again' where id <= 100");
        await _api.BackupAsync(id, "incremental");
        Assert.Empty((await _api.GetAsync($"/api/v1/sources/{id}/recovery-window"))["gaps"]!.AsArray());

        File.Delete(Path.Combine(fixture.StoragePath, $"{Guid.Parse(id):N}", "wal", segments[0] + ".gz.bpar"));
        var second = (await _api.GetAsync($"/api/v1/backups?sourceId={id}&type=incremental"))["items"]![0]!;
        await _api.PostAsync($"/api/v1/backups/{second["id"]}/verify", new { }, HttpStatusCode.Accepted);
        var verified = await _api.WaitAsync($"/api/v1/backups/{second["id"]}", b => b["verificationStatus"]!.GetValue<string>() != "pending");
        Assert.Equal("failed", verified["verificationStatus"]!.GetValue<string>());
        Assert.Contains(verified["verificationReport"]!["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "wal_continuity" && !c["passed"]!.GetValue<bool>());
        var gaps = (await _api.GetAsync($"/api/v1/sources/{id}/recovery-window"))["gaps"]!.AsArray();
        Assert.Contains(gaps, g => g!["beforeSegment"]!.GetValue<string>().CompareTo(segments[0]) > 0 && g["missingSegments"]!.GetValue<int>() >= 1);
    }

    [Fact]
    public async Task An_incremental_with_no_base_to_build_on_takes_one_first_and_says_so()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", "create table items (id int primary key);");
        // Enabling queued a first base; cancelling it leaves the source with none.
        var queued = (await _api.GetAsync($"/api/v1/backups?sourceId={id}&type=base"))["items"]!.AsArray().Single()!;
        await _api.PostAsync($"/api/v1/backups/{queued["id"]}/cancel", new { }, HttpStatusCode.Accepted);
        await _api.WaitAsync($"/api/v1/backups/{queued["id"]}", b => b["status"]!.GetValue<string>() is "cancelled" or "completed" or "failed");
        if ((await _api.GetAsync($"/api/v1/backups/{queued["id"]}"))["status"]!.GetValue<string>() != "cancelled")
            await fixture.Cluster.ExecuteAsync("bp_catalog", $"update backup_jobs set status = 'expired' where id = '{queued["id"]}'");

        await source.ExecuteAsync("shop", "insert into items select generate_series(1, 100)");
        var incremental = await _api.BackupAsync(id, "incremental");
        var note = incremental["notes"]!.AsArray().Single()!.GetValue<string>();
        Assert.Contains("base backup", note);
        var baseId = incremental["wal"]!["baseBackupId"]!.GetValue<string>();
        Assert.Contains(baseId, note);
        var taken = await _api.GetAsync($"/api/v1/backups/{baseId}");
        Assert.Equal("completed", taken["status"]!.GetValue<string>());
        Assert.Equal("prerequisite", taken["trigger"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retention_expires_an_older_base_and_the_WAL_only_it_could_use()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", "create table items (id int primary key);");
        var older = await _api.BackupAsync(id, "base");
        await source.ExecuteAsync("shop", "insert into items select generate_series(1, 1000); select pg_switch_wal();");
        await Task.Delay(1500);
        await source.ExecuteAsync("shop", "insert into items values (0); select pg_switch_wal();");
        var newer = await _api.BackupAsync(id, "base");
        var oldWal = Directory.GetFiles(Path.Combine(fixture.StoragePath, $"{Guid.Parse(id):N}", "wal")).Length;

        await _api.PostAsync($"/api/v1/retention/run?sourceId={id}", new { });
        Assert.Equal("expired", (await _api.GetAsync($"/api/v1/backups/{older["id"]}"))["status"]!.GetValue<string>());
        var window = await _api.GetAsync($"/api/v1/sources/{id}/recovery-window");
        Assert.Equal(newer["wal"]!["consistentAt"]!.GetValue<DateTimeOffset>(), window["earliest"]!.GetValue<DateTimeOffset>());
        Assert.Empty(window["gaps"]!.AsArray());
        var left = Directory.GetFiles(Path.Combine(fixture.StoragePath, $"{Guid.Parse(id):N}", "wal")).Length;
        Assert.True(left < oldWal, $"WAL files before retention: {oldWal}, after: {left}");
    }

    [Fact]
    public async Task A_slot_left_behind_by_a_disabled_source_raises_the_slot_alert()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", "create table items (id int primary key);");
        var current = await _api.GetAsync($"/api/v1/sources/{id}");
        await _api.SendAsync(HttpMethod.Put, $"/api/v1/sources/{id}", new
        {
            name = current["name"]!.GetValue<string>(), host = "127.0.0.1", port = source.Port, database = "shop", username = "postgres", sslMode = "disable", enabled = false,
        });
        await Task.Delay(2000);
        await source.ExecuteAsync("shop", "insert into items select generate_series(1, 200000)");
        var rule = await _api.PostAsync("/api/v1/alert-rules", new { name = $"slot {id}", kind = "slot_retention", sourceId = id, quotaBytes = 1L << 20 }, HttpStatusCode.Created);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonNode? alert = null;
        while (alert is null && DateTime.UtcNow < deadline)
        {
            alert = (await _api.GetAsync($"/api/v1/alerts?state=firing&sourceId={id}")).AsArray().FirstOrDefault(a => a!["ruleId"]!.GetValue<string>() == rule["id"]!.GetValue<string>());
            await Task.Delay(250);
        }
        Assert.NotNull(alert);
        Assert.Contains("holds back", alert["message"]!.GetValue<string>());
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/alert-rules/{rule["id"]}", expect: HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Bad_point_in_time_requests_get_4xx_with_the_reason()
    {
        await using var source = await PostgresCluster.StartAsync();
        var id = await AddPitrSourceAsync(source, "shop", "create table items (id int primary key);");
        await _api.BackupAsync(id, "base");

        var outside = await _api.PostAsync("/api/v1/restores", new { restoreType = "point_in_time", sourceId = id, targetTime = "2001-01-01T00:00:00Z", reason = "r" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("outside the recoverable window", outside["detail"]!.GetValue<string>());
        Assert.NotNull(outside["window"]!["earliest"]);
        var noOffset = await _api.PostAsync("/api/v1/restores", new { restoreType = "point_in_time", sourceId = id, targetTime = "2026-01-01T00:00:00", reason = "r" }, HttpStatusCode.BadRequest);
        Assert.Contains("offset", noOffset.ToJsonString());
        var table = await _api.PostAsync("/api/v1/restores", new { restoreType = "point_in_time", sourceId = id, targetTime = "latest", tables = new[] { "public.nope" }, reason = "r" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("public.nope", table["detail"]!.GetValue<string>());

        await fixture.Cluster.ExecuteAsync("bp_catalog",
            "update backup_jobs set details = jsonb_set(details, case when details ? 'ServerVersion' then '{ServerVersion}' else '{serverVersion}' end::text[], "
            + "'\"14.10 (Debian 14.10-1)\"') where source_id = '" + id + "' and backup_type = 'base'");
        var version = await _api.PostAsync("/api/v1/restores", new { restoreType = "point_in_time", sourceId = id, targetTime = "latest", reason = "r" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("PostgreSQL 14", version["detail"]!.GetValue<string>());

        await using var minimal = await PostgresCluster.StartAsync("wal_level=minimal", "max_wal_senders=0");
        await minimal.CreateDatabaseAsync("plain");
        var plain = await _api.PostAsync("/api/v1/sources", new { name = $"plain-{minimal.Port}", host = "127.0.0.1", port = minimal.Port, database = "plain", username = "postgres", password = "x", sslMode = "disable" }, HttpStatusCode.Created);
        var test = await _api.PostAsync($"/api/v1/sources/{plain["id"]}/test", new { });
        Assert.False(test["pitr"]!["ready"]!.GetValue<bool>());
        Assert.Contains(test["pitr"]!["problems"]!.AsArray(), p => p!.GetValue<string>().Contains("wal_level = replica"));
        await _api.PostAsync($"/api/v1/sources/{plain["id"]}/pitr/enable", new { }, HttpStatusCode.UnprocessableEntity);
        await _api.PostAsync("/api/v1/backups", new { sourceId = plain["id"]!.GetValue<string>(), backupType = "incremental" }, HttpStatusCode.UnprocessableEntity);

        await _api.PostAsync($"/api/v1/sources/{id}/pitr/disable", new { });
        Assert.Equal(0L, await source.ScalarAsync<long>("postgres", "select count(*) from pg_replication_slots"));
    }

    /// <summary>Registers a database of <paramref name="cluster"/> as a source and turns on continuous archiving for it.</summary>
    private async Task<string> AddPitrSourceAsync(PostgresCluster cluster, string database, string sql)
    {
        await cluster.CreateDatabaseAsync(database);
        await cluster.ExecuteAsync(database, sql);
        var source = await _api.PostAsync("/api/v1/sources", new
        {
            name = $"{database}-{cluster.Port}", host = "127.0.0.1", port = cluster.Port, database, username = "postgres", password = "unused", sslMode = "disable",
        }, HttpStatusCode.Created);
        var id = source["id"]!.GetValue<string>();
        _sources.Add(id);
        var test = await _api.PostAsync($"/api/v1/sources/{id}/test", new { });
        Assert.True(test["pitr"]!["ready"]!.GetValue<bool>(), test.ToJsonString());
        var enabled = await _api.PostAsync($"/api/v1/sources/{id}/pitr/enable", new { });
        Assert.True(enabled["pointInTimeRecovery"]!.GetValue<bool>());
        Assert.Equal(1L, await cluster.ScalarAsync<long>("postgres", $"select count(*) from pg_replication_slots where slot_name = 'backupportal_{Guid.Parse(id):N}'"));
        return id;
    }

    /// <summary>A moment strictly between the last commit and the next, on the server's own clock.</summary>
    private static async Task<DateTimeOffset> TimeAfterCommitAsync(PostgresCluster cluster)
    {
        await Task.Delay(500);
        var t = new DateTimeOffset(await cluster.ScalarAsync<DateTime>("postgres", "select clock_timestamp()"), TimeSpan.Zero);
        await Task.Delay(500);
        return t;
    }

    /// <summary>Waits until the archive has received WAL written after <paramref name="after"/>, so the window covers it.</summary>
    private async Task WaitReceivedAsync(string id, DateTimeOffset after) =>
        await _api.WaitAsync($"/api/v1/sources/{id}", s => s["walReceivedAt"]?.GetValue<DateTimeOffset>() > after.AddMilliseconds(500));

    private static string Checksum(string table) => $"select md5(string_agg(t::text, '|' order by id)) from {table} t";
}
