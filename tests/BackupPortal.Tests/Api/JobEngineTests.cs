using System.Diagnostics;
using System.Net;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class JobEngineTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    [Fact]
    public async Task A_running_backup_reports_progress_and_cancel_stops_it_within_seconds_leaving_no_artifact()
    {
        // Random text does not compress away, so the dump takes a few seconds.
        var sourceId = await _api.AddSourceAsync("cancel_src",
            "create table big as select i as id, md5(random()::text) || md5(random()::text) || md5(random()::text) as body from generate_series(1, 2500000) i;");
        var job = await _api.PostAsync("/api/v1/backups", new { sourceId, backupType = "full" }, HttpStatusCode.Accepted);
        var id = job["id"]!.GetValue<string>();
        var running = await _api.WaitAsync($"/api/v1/backups/{id}", d => d["status"]!.GetValue<string>() != "pending" && d["progress"]?["bytes"]?.GetValue<long>() > 0);
        Assert.Equal("running", running["status"]!.GetValue<string>());
        Assert.True(running["progress"]!["bytes"]!.GetValue<long>() > 0, running.ToJsonString());
        var path = running["storagePath"]!.GetValue<string>();

        var clock = Stopwatch.StartNew();
        await _api.PostAsync($"/api/v1/backups/{id}/cancel", new { }, HttpStatusCode.Accepted);
        var cancelled = await _api.WaitAsync($"/api/v1/backups/{id}", d => d["status"]!.GetValue<string>() != "running");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"cancel took {clock.Elapsed}");
        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        Assert.Contains("Cancelled by tests", cancelled["errorMessage"]!.GetValue<string>());
        var directory = Path.GetDirectoryName(Path.Combine(fixture.StoragePath, path))!;
        Assert.Empty(Directory.Exists(directory) ? Directory.GetFiles(directory, Path.GetFileName(path) + "*") : []);

        await _api.PostAsync($"/api/v1/backups/{id}/cancel", new { }, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_job_whose_worker_stopped_renewing_its_lease_is_failed_as_worker_lost_and_its_upload_removed()
    {
        var sourceId = await _api.AddSourceAsync("lost_src", "create table t (id int);");
        var jobId = Guid.NewGuid();
        var path = $"{Guid.Parse(sourceId):N}/lost/{jobId:N}.bpar";
        var partial = Path.Combine(fixture.StoragePath, path + ".partial-deadbeef");
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        await File.WriteAllTextAsync(partial, "half an artifact");
        await fixture.Cluster.ExecuteAsync("bp_catalog", $"""
            insert into backup_jobs (id, source_id, database_name, backup_type, status, trigger, requested_by, verification_status, storage_path,
                                     started_at, created_at, worker_id, lease_expires_at)
            values ('{jobId}', '{sourceId}', 'lost_src', 'full', 'running', 'manual', 'tests', 'pending', '{path}',
                    now() - interval '1 minute', now() - interval '1 minute', 'dead-host:4242:abcdef', now() - interval '5 seconds')
            """);
        var failed = await _api.WaitAsync($"/api/v1/backups/{jobId}", d => d["status"]!.GetValue<string>() != "running");
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("worker lost", failed["errorMessage"]!.GetValue<string>());
        // The reaper marks the job failed, then removes the upload: give it a moment to get there.
        for (var i = 0; i < 50 && File.Exists(partial); i++) await Task.Delay(100);
        Assert.False(File.Exists(partial), "the dead worker's unfinished upload should be removed");
    }
}
