using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

/// <summary>Storage locations against a real S3-compatible server (s3rver) and the local default: copies in one pass, outages, fallback.</summary>
[Collection(ApiCollection.Name)]
public sealed class StorageTests(ApiFixture fixture) : IAsyncLifetime
{
    private readonly ApiDriver _api = new(fixture);
    private S3Server _s3 = null!;

    public async Task InitializeAsync() => _s3 = await S3Server.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task A_location_is_tested_listed_with_its_secret_masked_and_bad_input_is_refused()
    {
        var location = await AddS3LocationAsync();
        Assert.Equal("********", location["secretAccessKey"]!.GetValue<string>());
        Assert.DoesNotContain(S3Server.SecretKey + "x", location.ToJsonString());

        var test = await _api.PostAsync($"/api/v1/storage/{location["id"]}/test", new { });
        Assert.True(test["ok"]!.GetValue<bool>(), test.ToJsonString());
        Assert.True(test["write"]!.GetValue<bool>() && test["read"]!.GetValue<bool>() && test["delete"]!.GetValue<bool>());
        Assert.NotNull(test["usedBytes"]);

        var all = (await _api.GetAsync("/api/v1/storage")).AsArray();
        var local = all.Single(l => l!["name"]!.GetValue<string>() == "default")!;
        Assert.True(local["isDefault"]!.GetValue<bool>());
        Assert.Equal("local", local["type"]!.GetValue<string>());
        Assert.NotNull(local["freeBytes"]);
        Assert.Contains(all, l => l!["id"]!.ToString() == location["id"]!.ToString());

        var missing = await _api.PostAsync("/api/v1/storage", new { name = "no-bucket", type = "s3", endpoint = _s3.Endpoint }, HttpStatusCode.BadRequest);
        Assert.Contains("bucket", missing.ToJsonString());
        await _api.PostAsync("/api/v1/storage", new { name = "relative", type = "local", path = "backups" }, HttpStatusCode.BadRequest);
        await _api.PostAsync("/api/v1/storage", new { name = "default", type = "local", path = "/tmp/x" }, HttpStatusCode.Conflict);
        await _api.SendAsync(HttpMethod.Put, $"/api/v1/storage/{local["id"]}", new { name = "default", type = "local", path = "/tmp/elsewhere" }, HttpStatusCode.Conflict);

        // A bucket that does not exist fails its test with the server's own reason, and nothing pretends otherwise.
        var wrong = await _api.PostAsync("/api/v1/storage", new
        {
            name = "wrong-bucket-" + Guid.NewGuid().ToString("N")[..6], type = "s3", endpoint = _s3.Endpoint, bucket = "no-such-bucket",
            forcePathStyle = true, accessKeyId = S3Server.AccessKey, secretAccessKey = S3Server.SecretKey,
        }, HttpStatusCode.Created);
        var failed = await _api.PostAsync($"/api/v1/storage/{wrong["id"]}/test", new { });
        Assert.False(failed["ok"]!.GetValue<bool>());
        Assert.Contains("bucket", failed["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/storage/{wrong["id"]}", null, HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task One_pass_stores_identical_copies_locally_and_in_s3_and_a_restore_reads_s3_when_the_local_copy_is_gone()
    {
        var location = await AddS3LocationAsync();
        var database = "copies_" + Guid.NewGuid().ToString("N")[..6];
        var sourceId = await _api.AddSourceAsync(database, "create table items (id int primary key, note text); insert into items select g, md5(g::text) from generate_series(1, 20000) g;");
        var defaultId = await DefaultLocationIdAsync();
        var policy = await _api.SendAsync(HttpMethod.Put, $"/api/v1/sources/{sourceId}/storage-policy", new { locationIds = new[] { defaultId, location["id"]!.ToString() } });
        Assert.Equal(2, policy["storageLocationIds"]!.AsArray().Count);

        var backup = await _api.BackupAsync(sourceId);
        Assert.Equal("complete", backup["copyStatus"]!.GetValue<string>());
        var copies = backup["copies"]!.AsArray();
        Assert.Equal(["default", location["name"]!.GetValue<string>()], copies.Select(c => c!["location"]!.GetValue<string>()));
        Assert.All(copies, c => Assert.Equal("stored", c!["status"]!.GetValue<string>()));
        Assert.All(copies, c => Assert.Equal(backup["checksumSha256"]!.GetValue<string>(), c!["checksumSha256"]!.GetValue<string>()));

        // Both copies, read straight from where they live, are the same bytes the catalog recorded.
        var path = backup["storagePath"]!.GetValue<string>();
        var localFile = Path.Combine(fixture.StoragePath, path);
        Assert.Equal(backup["checksumSha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(localFile))));
        Assert.Equal(backup["checksumSha256"]!.GetValue<string>(), await S3HashAsync($"{location["prefix"]}/{path}"));
        Assert.NotNull(await S3HashAsync($"{location["prefix"]}/{path}.manifest.json"));

        // A damaged local copy (a few bytes too long) is passed over; then a lost one.
        await File.AppendAllTextAsync(localFile, "garbage");
        var restore = await _api.RestoreAsync(new { backupId = backup["id"]!.ToString(), restoreType = "full", targetDatabase = database + "_back", reason = "local copy damaged" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal(await _api.ChecksumAsync(database, "items"), await _api.ChecksumAsync(database + "_back", "items"));
        Assert.Contains(fixture.Logs.Text.Split('\n'), l => l.Contains(path) && l.Contains("bytes, not") && l.Contains("trying the next copy"));

        File.Delete(localFile);
        restore = await _api.RestoreAsync(new { backupId = backup["id"]!.ToString(), restoreType = "full", targetDatabase = database + "_back2", reason = "local copy lost" });
        Assert.True(restore["status"]!.GetValue<string>() == "completed", restore.ToJsonString());
        Assert.Equal(await _api.ChecksumAsync(database, "items"), await _api.ChecksumAsync(database + "_back2", "items"));
        // Read from S3 alone, the restore streams once through one pg_restore instead of one download per process.
        Assert.Null(restore["timings"]!["data_and_index_seconds"]);

        // Verification reads the S3 copy, and records the local one as missing: the backup is degraded and says why.
        await _api.PostAsync($"/api/v1/backups/{backup["id"]}/verify", new { }, HttpStatusCode.Accepted);
        var verified = await _api.WaitAsync($"/api/v1/backups/{backup["id"]}", b => b["verificationStatus"]!.GetValue<string>() != "pending");
        var size = verified["verificationReport"]!["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "file_size")!;
        Assert.True(verified["verificationStatus"]!.GetValue<string>() == "verified", verified.ToJsonString());
        Assert.Contains($"in '{location["name"]}'", size["detail"]!.GetValue<string>());
        Assert.Contains("'default' is missing", size["detail"]!.GetValue<string>());
        Assert.Equal("degraded", verified["copyStatus"]!.GetValue<string>());
        Assert.Contains("Found by verification", verified["copies"]!.AsArray().Single(c => c!["location"]!.GetValue<string>() == "default")!["error"]!.GetValue<string>());

        // A location that holds copies is not deleted out from under them.
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/storage/{location["id"]}", null, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task S3_going_down_mid_upload_leaves_a_completed_backup_with_a_degraded_copy_and_an_alert()
    {
        var location = await AddS3LocationAsync();
        var database = "outage_" + Guid.NewGuid().ToString("N")[..6];
        // About 80 MB of dump: long enough to stop the server while the upload runs.
        var sourceId = await _api.AddSourceAsync(database,
            "create table big (id int, a text, b text); insert into big select g, md5(g::text) || md5((g * 7)::text), md5((g * 13)::text) from generate_series(1, 1200000) g;");
        await _api.SendAsync(HttpMethod.Put, $"/api/v1/sources/{sourceId}/storage-policy", new { locationIds = new[] { await DefaultLocationIdAsync(), location["id"]!.ToString() } });

        var job = await _api.PostAsync("/api/v1/backups", new { sourceId, backupType = "full" }, HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (_s3.PendingUploadBytes == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the upload to S3 never started");
            await Task.Delay(10);
        }
        _s3.Kill();

        var backup = await _api.WaitAsync($"/api/v1/backups/{job["id"]}", b => b["status"]!.GetValue<string>() is "completed" or "failed" or "cancelled"
            && b["verificationStatus"]!.GetValue<string>() != "pending");
        Assert.True(backup["status"]!.GetValue<string>() == "completed", backup.ToJsonString());
        Assert.Equal("verified", backup["verificationStatus"]!.GetValue<string>());
        Assert.Equal("degraded", backup["copyStatus"]!.GetValue<string>());
        var s3Copy = backup["copies"]!.AsArray().Single(c => c!["locationId"]!.ToString() == location["id"]!.ToString())!;
        Assert.Equal("failed", s3Copy["status"]!.GetValue<string>());
        Assert.Equal(3, s3Copy["attempts"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(s3Copy["error"]?.GetValue<string>()), s3Copy.ToJsonString());
        Assert.Equal("stored", backup["copies"]!.AsArray().Single(c => c!["location"]!.GetValue<string>() == "default")!["status"]!.GetValue<string>());
        // The stream lost S3 part-way and went on to the local copy; the copy was then tried again from the local one.
        var path = backup["storagePath"]!.GetValue<string>();
        var log = fixture.Logs.Text.Split('\n');
        Assert.Contains(log, l => l.Contains($"Upload of {path} to storage '{location["name"]}' failed"));
        Assert.Equal(2, log.Count(l => l.Contains($"Copy of {path} to storage '{location["name"]}' failed")));

        var alert = await _api.WaitAsync("/api/v1/alerts?state=firing&pageSize=100", a => a.AsArray().Any(x => x!["kind"]!.GetValue<string>() == "copy_degraded"
            && x["message"]!.GetValue<string>().Contains(job["id"]!.ToString())));
        Assert.Contains(location["name"]!.GetValue<string>(), alert.AsArray().First(x => x!["kind"]!.GetValue<string>() == "copy_degraded"
            && x["message"]!.GetValue<string>().Contains(job["id"]!.ToString()))!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task WAL_archived_while_S3_is_down_stays_local_and_raises_the_copy_alert()
    {
        var location = await AddS3LocationAsync();
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.CreateDatabaseAsync("ledger");
        await cluster.ExecuteAsync("ledger", "create table entries (id int primary key)");
        var name = $"ledger-{cluster.Port}";
        var sourceId = (await _api.PostAsync("/api/v1/sources", new
        {
            name, host = "127.0.0.1", port = cluster.Port, database = "ledger", username = "postgres", password = "unused", sslMode = "disable",
        }, HttpStatusCode.Created))["id"]!.ToString();
        await _api.SendAsync(HttpMethod.Put, $"/api/v1/sources/{sourceId}/storage-policy", new { locationIds = new[] { await DefaultLocationIdAsync(), location["id"]!.ToString() } });
        try
        {
            await _api.PostAsync($"/api/v1/sources/{sourceId}/pitr/enable", new { });
            var first = await _api.BackupAsync(sourceId, "base");
            Assert.Equal("complete", first["copyStatus"]!.GetValue<string>());

            _s3.Kill();
            await cluster.ExecuteAsync("ledger", "insert into entries select generate_series(1, 1000)");
            // An incremental closes the segment and waits until it is archived (here: locally only).
            var incremental = await _api.BackupAsync(sourceId, "incremental");
            Assert.Equal("degraded", incremental["copyStatus"]!.GetValue<string>());

            var alerts = await _api.WaitAsync("/api/v1/alerts?state=firing&pageSize=100", a => a.AsArray().Any(x => x!["kind"]!.GetValue<string>() == "copy_degraded"
                && x["message"]!.GetValue<string>().StartsWith($"{name}: ") && x["message"]!.GetValue<string>().Contains("WAL files")));
            Assert.Contains(location["name"]!.GetValue<string>(), alerts.AsArray().First(x => x!["message"]!.GetValue<string>().Contains("WAL files")
                && x["message"]!.GetValue<string>().StartsWith($"{name}: "))!["message"]!.GetValue<string>());
            // The window is whole: the local copies carry it.
            Assert.Empty((await _api.GetAsync($"/api/v1/sources/{sourceId}/recovery-window"))["gaps"]!.AsArray());
        }
        finally
        {
            await _api.PostAsync($"/api/v1/sources/{sourceId}/pitr/disable", new { });
        }
    }

    private async Task<JsonNode> AddS3LocationAsync() => await _api.PostAsync("/api/v1/storage", new
    {
        name = "s3-" + Guid.NewGuid().ToString("N")[..8], type = "s3", endpoint = _s3.Endpoint, region = "us-east-1", bucket = S3Server.Bucket,
        prefix = "bp-" + Guid.NewGuid().ToString("N")[..6], forcePathStyle = true, accessKeyId = S3Server.AccessKey, secretAccessKey = S3Server.SecretKey,
    }, HttpStatusCode.Created);

    private async Task<string> DefaultLocationIdAsync() =>
        (await _api.GetAsync("/api/v1/storage")).AsArray().Single(l => l!["isDefault"]!.GetValue<bool>())!["id"]!.ToString();

    /// <summary>SHA-256 of an object as the S3 server returns it, through the AWS SDK; null when it is not there.</summary>
    private async Task<string?> S3HashAsync(string key)
    {
        using var client = new AmazonS3Client(new BasicAWSCredentials(S3Server.AccessKey, S3Server.SecretKey),
            new AmazonS3Config { ServiceURL = _s3.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        try
        {
            using var response = await client.GetObjectAsync(S3Server.Bucket, key);
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(response.ResponseStream));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
