using System.Net;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ContractTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    [Fact]
    public async Task Health_answers_without_a_token()
    {
        using var anonymous = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("catalog", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Supabase_url_registers_the_default_source_with_its_password_masked_and_encrypted()
    {
        var sources = (await _api.GetAsync("/api/v1/sources")).AsArray();
        var source = sources.Single(s => s!["name"]!.GetValue<string>() == "default")!;
        Assert.Equal("supabase_demo", source["database"]!.GetValue<string>());
        Assert.Equal("********", source["password"]!.GetValue<string>());
        Assert.DoesNotContain(ApiFixture.DemoPassword, sources.ToJsonString());

        var stored = await fixture.Cluster.ScalarAsync<string>("bp_catalog", "select string_agg(password_encrypted, ',') from sources");
        Assert.DoesNotContain(ApiFixture.DemoPassword, stored);
        Assert.StartsWith("v1:mk-", stored);

        var test = await _api.PostAsync($"/api/v1/sources/{source["id"]}/test", new { });
        Assert.True(test["ok"]!.GetValue<bool>(), test.ToJsonString());
        Assert.StartsWith("15.", test["serverVersion"]!.GetValue<string>());
        Assert.True(test["pgDumpCompatible"]!.GetValue<bool>());
        Assert.True(test["databaseSizeBytes"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task Bad_input_gets_problem_details_naming_the_field()
    {
        var unknownSource = await _api.PostAsync("/api/v1/backups", new { sourceId = Guid.NewGuid(), backupType = "full" }, HttpStatusCode.NotFound);
        Assert.Contains("sourceId", unknownSource["errors"]!.ToJsonString());

        var sourceId = (await _api.GetAsync("/api/v1/sources")).AsArray().First()!["id"]!.ToString();
        var badType = await _api.PostAsync("/api/v1/backups", new { sourceId, backupType = "weekly" }, HttpStatusCode.BadRequest);
        Assert.Contains("backupType", badType["errors"]!.ToJsonString());

        var noReason = await _api.PostAsync("/api/v1/restores", new { backupId = Guid.NewGuid(), restoreType = "full" }, HttpStatusCode.BadRequest);
        Assert.Contains("reason", noReason["errors"]!.ToJsonString());

        var badName = await _api.PostAsync("/api/v1/restores", new { backupId = Guid.NewGuid(), restoreType = "full", targetDatabase = "x; drop database y", reason = "r" }, HttpStatusCode.BadRequest);
        Assert.Contains("targetDatabase", badName["errors"]!.ToJsonString());

        var unknownBackup = await _api.PostAsync("/api/v1/restores", new { backupId = Guid.NewGuid(), restoreType = "full", reason = "r" }, HttpStatusCode.NotFound);
        Assert.Contains("backupId", unknownBackup["errors"]!.ToJsonString());

        var badSource = await _api.PostAsync("/api/v1/sources", new { name = "", host = "", port = 70000, database = "", username = "", sslMode = "sometimes" }, HttpStatusCode.BadRequest);
        foreach (var field in new[] { "name", "host", "port", "database", "username", "sslMode" })
            Assert.Contains(field, badSource["errors"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Partial_restore_of_tables_not_in_the_archive_is_refused_with_what_the_archive_holds()
    {
        var sourceId = await _api.AddSourceAsync("contents_src", "create schema sales; create table sales.orders (id int primary key); create table public.notes (id int);");
        var backup = await _api.BackupAsync(sourceId);
        var refused = await _api.PostAsync("/api/v1/restores", new
        {
            backupId = backup["id"]!.ToString(), restoreType = "partial", tables = new[] { "sales.orders", "public.nope" }, reason = "r",
        }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("public.nope", refused["detail"]!.GetValue<string>());
        Assert.Contains("sales.orders", refused["available"]!.ToJsonString());
        Assert.Contains("public.notes", refused["available"]!.ToJsonString());

        var incremental = await _api.PostAsync("/api/v1/backups", new { sourceId, backupType = "incremental" }, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("backupType", incremental["errors"]!.ToJsonString());
    }

    [Fact]
    public async Task A_backup_of_an_unreachable_source_fails_with_the_reason_and_stores_nothing()
    {
        var source = await _api.PostAsync("/api/v1/sources", new
        {
            name = "unreachable", host = "127.0.0.1", port = 1, database = "nothing", username = "postgres", password = "x", sslMode = "disable",
        }, HttpStatusCode.Created);
        var job = await _api.PostAsync("/api/v1/backups", new { sourceId = source["id"]!.ToString(), backupType = "full" }, HttpStatusCode.Accepted);
        var done = await _api.WaitAsync($"/api/v1/backups/{job["id"]}", d => d["status"]!.GetValue<string>() is "completed" or "failed");
        Assert.Equal("failed", done["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(done["errorMessage"]!.GetValue<string>()));
        Assert.Null(done["checksumSha256"]);
        Assert.Null(done["storagePath"]);
        Assert.Empty(Directory.EnumerateFiles(fixture.StoragePath, $"*{done["id"]!.GetValue<string>().Replace("-", "")}*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_seeds_monitoring_and_cleanup_queries_run_unchanged_against_the_catalog()
    {
        string[] seedQueries =
        [
            "SELECT * FROM backup_jobs \nWHERE created_at > NOW() - INTERVAL '24 hours'\nORDER BY created_at DESC;",
            "SELECT \n  status,\n  COUNT(*) as count,\n  ROUND(COUNT(*) * 100.0 / SUM(COUNT(*)) OVER(), 2) as percentage\nFROM backup_jobs \nWHERE created_at > NOW() - INTERVAL '30 days'\nGROUP BY status;",
            "SELECT \n  backup_type,\n  COUNT(*) as backup_count,\n  SUM(file_size_bytes) as total_size_bytes,\n  AVG(file_size_bytes) as avg_size_bytes\nFROM backup_jobs \nWHERE status = 'completed'\nGROUP BY backup_type;",
            "DELETE FROM backup_jobs \nWHERE created_at < NOW() - INTERVAL '30 days'\nAND backup_type = 'incremental';",
            "DELETE FROM restore_operations \nWHERE created_at < NOW() - INTERVAL '90 days'\nAND status IN ('completed', 'failed');",
        ];
        foreach (var sql in seedQueries) await fixture.Cluster.ExecuteAsync("bp_catalog", sql);
        Assert.True(await fixture.Cluster.ScalarAsync<long>("bp_catalog", "select count(*) from backup_schedules") >= 0);
        Assert.True(await fixture.Cluster.ScalarAsync<long>("bp_catalog", "select count(*) from backup_metrics") >= 0);
    }
}
