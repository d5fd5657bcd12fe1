using System.Net;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class RetentionApiTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    [Fact]
    public async Task Cleanup_deletes_what_the_preview_lists_marks_it_expired_and_keeps_the_catalog_row()
    {
        var sourceId = await _api.AddSourceAsync("retention_src", "create table t as select generate_series(1, 1000) id;");
        var schedule = await _api.PostAsync("/api/v1/schedules", new
        {
            name = "keep one a day", sourceId, backupType = "full", cronExpression = "0 4 * * *", keepDaily = 1, keepWeekly = 0, keepMonthly = 0, keepYearly = 0,
        }, HttpStatusCode.Created);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var job = await _api.PostAsync($"/api/v1/schedules/{schedule["id"]}/run", new { }, HttpStatusCode.Accepted);
            await _api.WaitAsync($"/api/v1/backups/{job["id"]}", d => d["verificationStatus"]!.GetValue<string>() != "pending" || d["status"]!.GetValue<string>() == "failed");
            ids.Add(job["id"]!.GetValue<string>());
        }
        // Age the two oldest far back: the policy keeps one a day, the rails keep the newest two verified fulls.
        await fixture.Cluster.ExecuteAsync("bp_catalog", $"update backup_jobs set completed_at = now() - interval '3 years' where id in ('{ids[0]}', '{ids[1]}')");

        var preview = await _api.GetAsync($"/api/v1/retention/preview?sourceId={sourceId}");
        var doomed = preview["delete"]!.AsArray().Select(d => d!["backupId"]!.GetValue<string>()).ToHashSet();
        Assert.True(doomed.SetEquals([ids[0], ids[1]]), preview.ToJsonString());
        Assert.Contains(preview["keep"]!.AsArray(), k => k!["reason"]!.GetValue<string>().Contains("verified full"));

        var oldest = await _api.GetAsync($"/api/v1/backups/{ids[0]}");
        var artifact = Path.Combine(fixture.StoragePath, oldest["storagePath"]!.GetValue<string>());
        Assert.True(File.Exists(artifact));

        var run = await _api.PostAsync($"/api/v1/retention/run?sourceId={sourceId}", new { });
        Assert.Equal(2, run["expired"]!.AsArray().Count);
        var expired = await _api.GetAsync($"/api/v1/backups/{ids[0]}");
        Assert.Equal("expired", expired["status"]!.GetValue<string>());
        Assert.False(File.Exists(artifact));
        Assert.False(File.Exists(artifact + ".manifest.json"));
        Assert.Equal("completed", (await _api.GetAsync($"/api/v1/backups/{ids[3]}"))["status"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(fixture.StoragePath, (await _api.GetAsync($"/api/v1/backups/{ids[3]}"))["storagePath"]!.GetValue<string>())));
    }
}
