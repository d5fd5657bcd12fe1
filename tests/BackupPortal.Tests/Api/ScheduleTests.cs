using System.Net;
using System.Net.Http.Json;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class ScheduleTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    [Fact]
    public async Task A_new_source_gets_the_seeds_four_default_schedules()
    {
        var sourceId = await _api.AddSourceAsync("defaults_src", "create table t (id int);");
        var schedules = (await _api.GetAsync($"/api/v1/schedules?sourceId={sourceId}")).AsArray();
        Assert.Equal(
            ["0 2 * * * full", "0 9-17 * * 1-5 incremental", "0 3 * * 0 schema_only", "0 1 1 * * full"],
            schedules.Select(s => $"{s!["cronExpression"]} {s["backupType"]}"));
        Assert.All(schedules, s => Assert.True(s!["isActive"]!.GetValue<bool>() && s["nextRunAt"] is not null));
    }

    [Fact]
    public async Task Invalid_cron_and_time_zone_are_refused_naming_the_field_and_why()
    {
        var sourceId = await _api.AddSourceAsync("cron_src", "create table t (id int);");
        var badCron = await _api.PostAsync("/api/v1/schedules", new { name = "bad", sourceId, backupType = "full", cronExpression = "61 * * * *" }, HttpStatusCode.BadRequest);
        Assert.Contains("\\u002261 * * * *\\u0022: minute must be 0-59", badCron["errors"]!.ToJsonString());
        var badZone = await _api.PostAsync("/api/v1/schedules", new { name = "bad", sourceId, backupType = "full", cronExpression = "0 2 * * *", timeZone = "Mars/Base" }, HttpStatusCode.BadRequest);
        Assert.Contains("timeZone", badZone["errors"]!.ToJsonString());

        var preview = await _api.GetAsync("/api/v1/schedules/preview?cronExpression=0%209%20*%20*%20MON-FRI&timeZone=Europe/London&count=5");
        Assert.Equal(5, preview["runs"]!.AsArray().Count);
        Assert.All(preview["runs"]!.AsArray(), r => Assert.Contains("T09:00:00", r!.GetValue<string>()));
    }

    [Fact]
    public async Task Schedules_can_be_created_previewed_paused_resumed_run_and_deleted()
    {
        var sourceId = await _api.AddSourceAsync("lifecycle_src", "create table t as select generate_series(1, 100) id;");
        var created = await _api.PostAsync("/api/v1/schedules", new { name = "every 6h", sourceId, backupType = "full", cronExpression = "0 */6 * * *", timeZone = "Europe/London" }, HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        var runs = (await _api.GetAsync($"/api/v1/schedules/{id}/preview?count=5"))["runs"]!.AsArray().Select(r => DateTimeOffset.Parse(r!.GetValue<string>())).ToList();
        Assert.Equal(5, runs.Count);
        Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(6), pair.Second - pair.First));

        var paused = await _api.PostAsync($"/api/v1/schedules/{id}/pause", new { });
        Assert.False(paused["isActive"]!.GetValue<bool>());
        Assert.Null(paused["nextRunAt"]);
        var resumed = await _api.PostAsync($"/api/v1/schedules/{id}/resume", new { });
        Assert.True(resumed["isActive"]!.GetValue<bool>());
        Assert.NotNull(resumed["nextRunAt"]);

        var job = await _api.PostAsync($"/api/v1/schedules/{id}/run", new { }, HttpStatusCode.Accepted);
        Assert.Equal(id, job["scheduleId"]!.GetValue<string>());
        await _api.WaitAsync($"/api/v1/backups/{job["id"]}", d => d["status"]!.GetValue<string>() is "completed" or "failed");

        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/schedules/{id}", expect: HttpStatusCode.NoContent);
        await _api.SendAsync(HttpMethod.Get, $"/api/v1/schedules/{id}", expect: HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_due_occurrence_fired_by_two_callers_at_once_becomes_exactly_one_job()
    {
        var sourceId = await _api.AddSourceAsync("once_src", "create table t as select generate_series(1, 100) id;");
        var created = await _api.PostAsync("/api/v1/schedules", new { name = "every minute", sourceId, backupType = "full", cronExpression = "* * * * *" }, HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        var occurrence = DateTimeOffset.UtcNow.AddMinutes(-1);
        await fixture.Cluster.ExecuteAsync("bp_catalog", $"update backup_schedules set next_run_at = '{occurrence:O}' where id = '{id}'");

        using var a = fixture.Factory.CreateClient();
        using var b = fixture.Factory.CreateClient();
        foreach (var c in new[] { a, b }) c.DefaultRequestHeaders.Authorization = new("Bearer", fixture.ServiceRoleKey);
        var calls = await Task.WhenAll(
            a.PostAsJsonAsync("/functions/v1/automated-backup-scheduler", new { action = "run_due_schedules" }),
            b.PostAsJsonAsync("/functions/v1/automated-backup-scheduler", new { action = "run_due_schedules" }));
        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
        Assert.Equal(1L, await fixture.Cluster.ScalarAsync<long>("bp_catalog", $"select count(*) from backup_jobs where schedule_id = '{id}'"));
    }

    [Fact]
    public async Task The_default_incremental_schedule_runs_and_fails_with_a_clear_reason_until_pitr_exists()
    {
        var sourceId = await _api.AddSourceAsync("incremental_src", "create table t (id int);");
        var incremental = (await _api.GetAsync($"/api/v1/schedules?sourceId={sourceId}")).AsArray().Single(s => s!["backupType"]!.GetValue<string>() == "incremental")!;
        await fixture.Cluster.ExecuteAsync("bp_catalog", $"update backup_schedules set next_run_at = now() - interval '1 minute' where id = '{incremental["id"]}'");
        using var service = fixture.Factory.CreateClient();
        service.DefaultRequestHeaders.Authorization = new("Bearer", fixture.ServiceRoleKey);
        (await service.PostAsJsonAsync("/functions/v1/automated-backup-scheduler", new { action = "run_due_schedules" })).EnsureSuccessStatusCode();
        var jobs = (await _api.GetAsync($"/api/v1/backups?sourceId={sourceId}&type=incremental"))["items"]!.AsArray();
        var job = await _api.WaitAsync($"/api/v1/backups/{Assert.Single(jobs)!["id"]}", d => d["status"]!.GetValue<string>() is "completed" or "failed");
        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Contains("point-in-time recovery", job["errorMessage"]!.GetValue<string>());
    }
}
