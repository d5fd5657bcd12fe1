using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

/// <summary>Real processes: a --worker-only instance is killed with SIGKILL in the middle of a backup.</summary>
[Collection(ApiCollection.Name)]
public sealed class WorkerCrashTests(ApiFixture fixture)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task A_worker_killed_mid_backup_leaves_a_failed_job_that_is_retried_by_another_worker_and_completes()
    {
        const string catalog = "bp_catalog_crash";
        await fixture.Cluster.CreateDatabaseAsync("crash_src");
        await fixture.Cluster.ExecuteAsync("crash_src",
            "create table big as select i as id, md5(random()::text) || md5(random()::text) || md5(random()::text) as body from generate_series(1, 2500000) i;");

        // This instance serves the Api only; the jobs run in the worker processes below.
        await using var api = fixture.CreateFactory(new() { ["ConnectionStrings:Catalog"] = fixture.Cluster.ConnectionString(catalog), ["Worker:Enabled"] = "false" });
        using var client = await fixture.AuthorizedClientAsync(api);
        var source = await Post(client, "/api/v1/sources", new
        {
            name = "crash", host = "127.0.0.1", port = fixture.Cluster.Port, database = "crash_src", username = "postgres",
            password = ApiFixture.DemoPassword, sslMode = "disable",
        });
        var schedule = await Post(client, "/api/v1/schedules", new
        {
            name = "crash test", sourceId = source["id"]!.ToString(), backupType = "full", cronExpression = "0 2 * * *", maxAttempts = 3, retryBackoffSeconds = 1,
        });
        var job = await Post(client, $"/api/v1/schedules/{schedule["id"]}/run", new { });
        var jobId = job["id"]!.ToString();

        using (var doomed = StartWorker(catalog))
        {
            await WaitAsync(client, $"/api/v1/backups/{jobId}", d => d["progress"]?["bytes"]?.GetValue<long>() > 0);
            doomed.Kill(); // SIGKILL: no cleanup, no goodbye
            await doomed.WaitForExitAsync();
        }
        var running = await Get(client, $"/api/v1/backups/{jobId}");
        Assert.Equal("running", running["status"]!.GetValue<string>());
        var path = Path.Combine(fixture.StoragePath, running["storagePath"]!.GetValue<string>());
        Assert.NotEmpty(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".partial-*"));

        using var survivor = StartWorker(catalog);
        try
        {
            var lost = await WaitAsync(client, $"/api/v1/backups/{jobId}", d => d["status"]!.GetValue<string>() != "running");
            Assert.Equal("failed", lost["status"]!.GetValue<string>());
            Assert.Contains("worker lost", lost["errorMessage"]!.GetValue<string>());
            // The reaper marks the job first and removes the upload right after.
            for (var i = 0; i < 50 && Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*").Length > 0; i++) await Task.Delay(100);
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"));

            var retries = (await Get(client, $"/api/v1/backups?sourceId={source["id"]}"))["items"]!.AsArray();
            var retry = Assert.Single(retries, r => r!["retryOfId"]?.ToString() == jobId)!;
            Assert.Equal(2, retry["attempt"]!.GetValue<int>());
            var done = await WaitAsync(client, $"/api/v1/backups/{retry["id"]}", d => d["status"]!.GetValue<string>() is "completed" or "failed" && d["verificationStatus"]!.GetValue<string>() != "pending");
            Assert.True(done["status"]!.GetValue<string>() == "completed", done.ToJsonString());
            Assert.Equal("verified", done["verificationStatus"]!.GetValue<string>());
        }
        finally
        {
            survivor.Kill();
        }
    }

    private Process StartWorker(string catalog)
    {
        var dll = Path.Combine(RepoPaths.Root, "Api", "bin", Configuration, "net10.0", "BackupPortal.Api.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");
        var info = new ProcessStartInfo("dotnet", [dll, "--worker-only"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Catalog"] = fixture.Cluster.ConnectionString(catalog),
                ["BACKUP_STORAGE_PATH"] = fixture.StoragePath,
                ["BACKUP_ENCRYPTION_KEY"] = fixture.MasterKey,
                ["PG_BIN_DIR"] = PostgresCluster.BinDir,
                ["BACKUPPORTAL_ADMIN_PASSWORD"] = ApiFixture.AdminPassword,
                ["Scheduler__Enabled"] = "false",
                ["Worker__Lease"] = "00:00:05",
                ["Worker__Heartbeat"] = "00:00:01",
                ["Worker__PollInterval"] = "00:00:00.500",
            },
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<JsonNode> Post(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<JsonNode> Get(HttpClient client, string url) => JsonNode.Parse(await client.GetStringAsync(url))!;

    private static async Task<JsonNode> WaitAsync(HttpClient client, string url, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var node = await Get(client, url);
            if (done(node)) return node;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url} did not get there: {node.ToJsonString()}");
            await Task.Delay(200);
        }
    }
}
