using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class MonitoringTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    [Fact]
    public async Task Summary_reports_success_rate_storage_durations_and_each_sources_protection()
    {
        var id = await _api.AddSourceAsync("monitored", "create table t as select generate_series(1, 5000) id;");
        var backup = await _api.BackupAsync(id);

        var summary = await _api.GetAsync($"/api/v1/metrics/summary?sourceId={id}&window=24h");
        Assert.Equal(100.0, summary["successRate"]!.GetValue<double>());
        Assert.Contains(summary["byStatus"]!.AsArray(), s => s!["status"]!.GetValue<string>() == "completed" && s["percentage"]!.GetValue<double>() == 100);
        var full = summary["storageByType"]!.AsArray().Single(s => s!["backupType"]!.GetValue<string>() == "full")!;
        Assert.Equal(backup["fileSizeBytes"]!.GetValue<long>(), full["totalSizeBytes"]!.GetValue<long>());
        Assert.True(summary["duration"]!["count"]!.GetValue<long>() == 1 && summary["duration"]!["p95Seconds"]!.GetValue<double>() > 0, summary["duration"]!.ToJsonString());
        Assert.Equal(1L, summary["verification"]!["verified"]!.GetValue<long>());
        Assert.True(summary["locations"]![0]!["freeBytes"]!.GetValue<long>() > 0);
        var health = summary["sources"]!.AsArray().Single()!;
        Assert.Equal(backup["id"]!.GetValue<string>(), health["lastSuccessful"]!["id"]!.GetValue<string>());
        Assert.Equal(backup["id"]!.GetValue<string>(), health["lastVerified"]!["id"]!.GetValue<string>());
        Assert.InRange(health["recoveryPointAgeSeconds"]!.GetValue<double>(), 0, 120);

        var bad = await _api.SendAsync(HttpMethod.Get, "/api/v1/metrics/summary?window=1y", expect: HttpStatusCode.BadRequest);
        Assert.Contains("24h, 7d, 30d", bad.ToJsonString());
    }

    [Fact]
    public async Task Timeseries_counts_jobs_per_day_by_status_and_averages_durations()
    {
        var id = await _api.AddSourceAsync("charted", "create table t as select generate_series(1, 100) id;");
        await _api.BackupAsync(id);
        await _api.BackupAsync(id, "schema_only");

        var jobs = await _api.GetAsync($"/api/v1/metrics/timeseries?metric=jobs_by_status&sourceId={id}&bucket=day");
        var today = jobs["points"]!.AsArray().Single()!;
        Assert.Equal(DateTimeOffset.UtcNow.Date, today["at"]!.GetValue<DateTimeOffset>().UtcDateTime.Date);
        Assert.Equal(2.0, today["values"]!["completed"]!.GetValue<double>());
        var durations = await _api.GetAsync($"/api/v1/metrics/timeseries?metric=duration_seconds&sourceId={id}&bucket=hour");
        Assert.True(durations["points"]!.AsArray().Last()!["values"]!["schema_only"]!.GetValue<double>() > 0);
        await _api.SendAsync(HttpMethod.Get, "/api/v1/metrics/timeseries?metric=nope", expect: HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Prometheus_metrics_parse_and_move_after_a_backup_and_take_the_scrape_key()
    {
        using var scraper = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await scraper.GetAsync("/metrics")).StatusCode);
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await scraper.GetAsync("/metrics")).StatusCode);
        scraper.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fixture.ScrapeKey);

        var before = await ScrapeAsync(scraper);
        var id = await _api.AddSourceAsync("scraped", "create table t as select generate_series(1, 100) id;");
        await _api.BackupAsync(id);
        var after = await ScrapeAsync(scraper);

        const string completed = "backupportal_jobs_total{status=\"completed\",type=\"full\"}";
        Assert.Equal(before.GetValueOrDefault(completed) + 1, after[completed]);
        const string durations = "backupportal_backup_duration_seconds_count{type=\"full\"}";
        Assert.Equal(before.GetValueOrDefault(durations) + 1, after[durations]);
        Assert.True(after["backupportal_backup_last_success_timestamp_seconds{source=\"scraped\",type=\"full\"}"] > DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        Assert.True(after["backupportal_storage_free_bytes{location=\"default\"}"] > 0);
        Assert.Contains("backupportal_recovery_point_age_seconds{source=\"scraped\"}", after.Keys);
    }

    /// <summary>Scrapes and parses with the Prometheus project's own Python parser; every sample as name{labels} → value.</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient scraper)
    {
        var response = await scraper.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), "Debian's python3 with python3-prometheus-client is needed: run ./test.sh, which installs it.");
        var info = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                    print(f"{s.name}{{{labels}}}" if labels else s.name, repr(s.value))
            """ }) info.ArgumentList.Add(arg);
        using var parser = Process.Start(info)!;
        await parser.StandardInput.WriteAsync(text);
        parser.StandardInput.Close();
        var output = await parser.StandardOutput.ReadToEndAsync();
        var errors = await parser.StandardError.ReadToEndAsync();
        await parser.WaitForExitAsync();
        Assert.True(parser.ExitCode == 0, $"The Prometheus parser rejected /metrics: {errors}\n{text}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
