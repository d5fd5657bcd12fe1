using System.Net;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

/// <summary>Losing the control plane: the catalog database is dropped, a fresh Api with the same key and storage re-indexes it.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReindexTests(ApiFixture fixture)
{
    [Fact]
    public async Task After_the_catalog_is_dropped_a_fresh_Api_reindexes_storage_and_restores_an_old_backup_row_for_row()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var storage = Path.Combine(Path.GetTempPath(), "bp-test-reindex-" + suffix);
        var database = "reidx_" + suffix;
        await fixture.Cluster.CreateDatabaseAsync(database);
        await fixture.Cluster.ExecuteAsync(database, "create table accounts (id int primary key, owner text, balance numeric); insert into accounts select g, md5(g::text), g * 10 from generate_series(1, 3000) g;");
        var expected = await new ApiDriver(fixture).ChecksumAsync(database, "accounts");
        string fullId, schemaId;

        // The first control plane: a source, a key rotation, and two backups (the newer one under the rotated key).
        await using (var first = fixture.CreateFactory(Settings($"bp_reidx_a_{suffix}", storage)))
        {
            var api = new ApiDriver(fixture, await fixture.AuthorizedClientAsync(first));
            var source = await api.PostAsync("/api/v1/sources", new
            {
                name = database, host = "127.0.0.1", port = fixture.Cluster.Port, database, username = "postgres", password = ApiFixture.DemoPassword, sslMode = "disable",
            }, HttpStatusCode.Created);
            var schema = await api.BackupAsync(source["id"]!.ToString(), "schema_only");
            schemaId = schema["id"]!.ToString();
            await api.PostAsync("/api/v1/keys/rotate", new { });
            var full = await api.BackupAsync(source["id"]!.ToString(), "full");
            fullId = full["id"]!.ToString();
            Assert.NotEqual(schema["keyId"]!.GetValue<string>(), full["keyId"]!.GetValue<string>());
        }
        await fixture.Cluster.ExecuteAsync("postgres", $"drop database bp_reidx_a_{suffix} with (force)");

        // A fresh one: empty catalog, same master key, same storage.
        await using var second = fixture.CreateFactory(Settings($"bp_reidx_b_{suffix}", storage));
        var fresh = new ApiDriver(fixture, await fixture.AuthorizedClientAsync(second));
        Assert.Empty((await fresh.GetAsync("/api/v1/backups?pageSize=100"))["items"]!.AsArray());
        var location = (await fresh.GetAsync("/api/v1/storage")).AsArray().Single(l => l!["isDefault"]!.GetValue<bool>())!;
        var result = await fresh.PostAsync($"/api/v1/storage/{location["id"]}/reindex", new { });
        Assert.True(result["errors"]!.AsArray().Count == 0, result.ToJsonString());
        Assert.Equal(2, result["backupsAdded"]!.GetValue<int>());
        Assert.Equal(1, result["keysAdded"]!.GetValue<int>());
        Assert.Equal(1, result["sourcesCreated"]!.GetValue<int>());

        // Re-indexed backups are proven again by the worker before they count as verified.
        var backup = await fresh.WaitAsync($"/api/v1/backups/{fullId}", b => b["verificationStatus"]!.GetValue<string>() != "pending");
        Assert.True(backup["status"]!.GetValue<string>() == "completed" && backup["verificationStatus"]!.GetValue<string>() == "verified", backup.ToJsonString());
        Assert.Equal("reindex", backup["requestedBy"]!.GetValue<string>());
        Assert.Equal("completed", (await fresh.GetAsync($"/api/v1/backups/{schemaId}"))["status"]!.GetValue<string>());

        // The source came back from the manifest, disabled and without a password, until one is given.
        var source2 = (await fresh.GetAsync("/api/v1/sources")).AsArray().Single(s => s!["name"]!.GetValue<string>() == database)!;
        Assert.False(source2["enabled"]!.GetValue<bool>());
        Assert.False(source2["hasPassword"]!.GetValue<bool>());
        Assert.Equal(fixture.Cluster.Port, source2["port"]!.GetValue<int>());
        await fresh.SendAsync(HttpMethod.Put, $"/api/v1/sources/{source2["id"]}", new
        {
            name = database, host = "127.0.0.1", port = fixture.Cluster.Port, database, username = "postgres", password = ApiFixture.DemoPassword, sslMode = "disable", enabled = true,
        });

        var done = await fresh.RestoreAsync(new { backupId = fullId, restoreType = "full", targetDatabase = database + "_back", reason = "control plane lost" });
        Assert.True(done["status"]!.GetValue<string>() == "completed", done.ToJsonString());
        Assert.Equal(expected, await fresh.ChecksumAsync(database + "_back", "accounts"));

        // A second pass finds everything known already.
        var again = await fresh.PostAsync($"/api/v1/storage/{location["id"]}/reindex", new { });
        Assert.Equal(0, again["backupsAdded"]!.GetValue<int>());
        Assert.Equal(0, again["keysAdded"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reindexing_brings_back_the_WAL_archive_so_a_point_in_time_restore_works_again()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var storage = Path.Combine(Path.GetTempPath(), "bp-test-reindex-" + suffix);
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.CreateDatabaseAsync("ledger");
        await cluster.ExecuteAsync("ledger", "create table entries (id int primary key, note text); insert into entries values (1, 'before the base');");
        DateTimeOffset target;
        string sourceId;

        await using (var first = fixture.CreateFactory(Settings($"bp_reidx_c_{suffix}", storage)))
        {
            var api = new ApiDriver(fixture, await fixture.AuthorizedClientAsync(first));
            sourceId = (await api.PostAsync("/api/v1/sources", new
            {
                name = $"ledger-{cluster.Port}", host = "127.0.0.1", port = cluster.Port, database = "ledger", username = "postgres", password = "unused", sslMode = "disable",
            }, HttpStatusCode.Created))["id"]!.ToString();
            await api.PostAsync($"/api/v1/sources/{sourceId}/pitr/enable", new { });
            await api.BackupAsync(sourceId, "base");
            await cluster.ExecuteAsync("ledger", "insert into entries values (2, 'after the base')");
            await Task.Delay(500);
            target = new DateTimeOffset(await cluster.ScalarAsync<DateTime>("postgres", "select clock_timestamp()"), TimeSpan.Zero);
            await Task.Delay(500);
            await cluster.ExecuteAsync("ledger", "insert into entries values (3, 'after the target')");
            // An incremental closes the WAL segment and waits until it is archived.
            await api.BackupAsync(sourceId, "incremental");
            await api.PostAsync($"/api/v1/sources/{sourceId}/pitr/disable", new { });
        }
        await fixture.Cluster.ExecuteAsync("postgres", $"drop database bp_reidx_c_{suffix} with (force)");

        await using var second = fixture.CreateFactory(Settings($"bp_reidx_d_{suffix}", storage));
        var fresh = new ApiDriver(fixture, await fixture.AuthorizedClientAsync(second));
        var location = (await fresh.GetAsync("/api/v1/storage")).AsArray().Single(l => l!["isDefault"]!.GetValue<bool>())!;
        var result = await fresh.PostAsync($"/api/v1/storage/{location["id"]}/reindex", new { });
        Assert.True(result["errors"]!.AsArray().Count == 0, result.ToJsonString());
        // The base that enabling queues, the one asked for, and the incremental.
        Assert.Equal(3, result["backupsAdded"]!.GetValue<int>());
        Assert.True(result["walAdded"]!.GetValue<int>() >= 1, result.ToJsonString());
        var window = await fresh.GetAsync($"/api/v1/sources/{sourceId}/recovery-window");
        Assert.True(window["gaps"]!.AsArray().Count == 0 && window["latest"]!.GetValue<DateTimeOffset>() >= target, window.ToJsonString());

        var restore = await fresh.RestoreAsync(new
        {
            restoreType = "point_in_time", sourceId, targetTime = target.ToString("O"), targetDatabase = "ledger_at_t", targetSourceId = sourceId, reason = "control plane lost",
        });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal("before the base,after the base", await cluster.ScalarAsync<string>("ledger_at_t", "select string_agg(note, ',' order by id) from entries"));
    }

    private Dictionary<string, string?> Settings(string catalog, string storage) => new()
    {
        ["ConnectionStrings:Catalog"] = fixture.Cluster.ConnectionString(catalog),
        ["BACKUP_STORAGE_PATH"] = storage,
    };
}
