using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace BackupPortal.Tests.Api;

/// <summary>Alerts end to end, to real receivers: an HTTP listener for webhooks and an SMTP server for email.</summary>
[Collection(ApiCollection.Name)]
public sealed class AlertTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    [Fact]
    public async Task A_webhook_down_at_first_still_gets_exactly_one_failure_alert_then_the_resolution_signed()
    {
        var port = FreePort();
        var channel = await _api.PostAsync("/api/v1/alert-channels", new
        {
            name = $"hook-{port}", type = "webhook", url = $"http://127.0.0.1:{port}/hook/", secret = "hook-secret", slackCompatible = true,
        }, HttpStatusCode.Created);
        Assert.True(channel["hasSecret"]!.GetValue<bool>());
        Assert.DoesNotContain("hook-secret", channel.ToJsonString());
        var sourceId = await _api.AddSourceAsync("alerted", "create table t (id int);");
        await fixture.Cluster.ExecuteAsync("postgres", "drop database alerted");
        var rule = await _api.PostAsync("/api/v1/alert-rules", new
        {
            name = $"two failures {port}", kind = "backup_failures", severity = "critical", sourceId, threshold = 2, channelIds = new[] { channel["id"] },
        }, HttpStatusCode.Created);

        for (var i = 0; i < 2; i++)
        {
            var job = await _api.PostAsync("/api/v1/backups", new { sourceId, backupType = "full" }, HttpStatusCode.Accepted);
            await _api.WaitAsync($"/api/v1/backups/{job["id"]}", b => b["status"]!.GetValue<string>() == "failed");
        }
        var alert = await WaitForAsync(async () => (await _api.GetAsync($"/api/v1/alerts?state=firing&sourceId={sourceId}")).AsArray()
            .FirstOrDefault(a => a!["ruleId"]!.GetValue<string>() == rule["id"]!.GetValue<string>()));
        Assert.Contains("failed", alert["message"]!.GetValue<string>());
        // The receiver is down: attempts fail and are recorded, and the notice stays queued.
        await WaitForAsync(async () => (await _api.GetAsync($"/api/v1/alert-channels/{channel["id"]}/deliveries")).AsArray()
            .FirstOrDefault(d => d!["attempts"]!.GetValue<int>() >= 2));

        using var receiver = new WebhookReceiver(port);
        var firing = await receiver.WaitAsync(n => n["alertId"]?.GetValue<string>() == alert["id"]!.GetValue<string>() && n["event"]!.GetValue<string>() == "firing");
        Assert.Equal("critical", firing.Body["severity"]!.GetValue<string>());
        Assert.Equal("alerted", firing.Body["source"]!.GetValue<string>());
        Assert.StartsWith("*CRITICAL", firing.Body["text"]!.GetValue<string>());
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("hook-secret"u8.ToArray(), firing.Raw)), firing.Signature);

        await fixture.Cluster.CreateDatabaseAsync("alerted");
        await _api.BackupAsync(sourceId);
        var resolved = await receiver.WaitAsync(n => n["alertId"]?.GetValue<string>() == alert["id"]!.GetValue<string>() && n["event"]!.GetValue<string>() == "resolved");
        Assert.NotNull(resolved.Body["resolvedAt"]);
        await Task.Delay(3000);
        Assert.Single(receiver.Received, n => n.Body["alertId"]?.GetValue<string>() == alert["id"]!.GetValue<string>() && n.Body["event"]!.GetValue<string>() == "firing");

        var history = (await _api.GetAsync($"/api/v1/alert-channels/{channel["id"]}/deliveries")).AsArray()
            .Single(d => d!["alertId"]?.GetValue<string>() == alert["id"]!.GetValue<string>() && d!["event"]!.GetValue<string>() == "firing")!["history"]!.AsArray();
        Assert.True(history.Count >= 3 && !history[0]!["succeeded"]!.GetValue<bool>() && history[^1]!["succeeded"]!.GetValue<bool>(), history.ToJsonString());
        await CleanUpAsync(rule, channel);
    }

    [Fact]
    public async Task A_corrupted_backup_sends_a_verification_failure_email_naming_the_source_and_the_job()
    {
        using var smtp = await MailReceiver.StartAsync();
        var channel = await _api.PostAsync("/api/v1/alert-channels", new
        {
            name = $"mail-{smtp.Port}", type = "email", to = new[] { "ops@example.com" }, from = "backups@example.com",
            smtpHost = "127.0.0.1", smtpPort = smtp.Port, smtpSecurity = "none",
        }, HttpStatusCode.Created);
        var sourceId = await _api.AddSourceAsync("mailed", "create table t as select generate_series(1, 1000) id;");
        var rule = await _api.PostAsync("/api/v1/alert-rules", new
        {
            name = $"verification {smtp.Port}", kind = "verification_failed", severity = "critical", sourceId, channelIds = new[] { channel["id"] },
        }, HttpStatusCode.Created);
        var backup = await _api.BackupAsync(sourceId);

        var path = Path.Combine(fixture.StoragePath, backup["storagePath"]!.GetValue<string>());
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = file.Length / 2;
            var b = file.ReadByte();
            file.Position--;
            file.WriteByte((byte)(b ^ 0xFF));
        }
        await _api.PostAsync($"/api/v1/backups/{backup["id"]}/verify", new { }, HttpStatusCode.Accepted);

        var mail = await smtp.WaitAsync(m => m.TextBody?.Contains(backup["id"]!.GetValue<string>()) == true);
        Assert.Contains("mailed", mail.Subject);
        Assert.Contains("verification of full backup", mail.Subject);
        Assert.Contains(backup["id"]!.GetValue<string>(), mail.HtmlBody);
        Assert.Equal("ops@example.com", mail.To.Mailboxes.Single().Address);
        await CleanUpAsync(rule, channel);
    }

    [Fact]
    public async Task Storage_low_fires_when_the_free_space_threshold_is_above_what_is_free_and_resolves_when_disabled()
    {
        var summary = await _api.GetAsync("/api/v1/metrics/summary");
        var free = summary["locations"]![0]!["freeBytes"]!.GetValue<long>();
        var body = new { name = "storage test", kind = "storage_low", severity = "critical", minFreeBytes = free + (1L << 40), channelIds = Array.Empty<string>(), enabled = true };
        var rule = await _api.PostAsync("/api/v1/alert-rules", body, HttpStatusCode.Created);
        var ruleId = rule["id"]!.GetValue<string>();

        var alert = await WaitForAsync(async () => (await _api.GetAsync("/api/v1/alerts?state=firing")).AsArray().FirstOrDefault(a => a!["ruleId"]!.GetValue<string>() == ruleId));
        Assert.Equal("storage_low", alert["kind"]!.GetValue<string>());
        Assert.Contains("bytes free", alert["message"]!.GetValue<string>());
        var acknowledged = await _api.PostAsync($"/api/v1/alerts/{alert["id"]}/acknowledge", new { });
        Assert.NotNull(acknowledged["acknowledgedAt"]);

        await _api.SendAsync(HttpMethod.Put, $"/api/v1/alert-rules/{ruleId}", body with { enabled = false });
        await WaitForAsync(async () => (await _api.GetAsync("/api/v1/alerts?state=resolved")).AsArray().FirstOrDefault(a => a!["id"]!.GetValue<string>() == alert["id"]!.GetValue<string>()));
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/alert-rules/{ruleId}", expect: HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task The_self_test_backs_up_verifies_and_restores_a_source_and_reaches_every_channel()
    {
        var port = FreePort();
        using var receiver = new WebhookReceiver(port);
        var channel = await _api.PostAsync("/api/v1/alert-channels", new { name = $"selftest-{port}", type = "webhook", url = $"http://127.0.0.1:{port}/hook/" }, HttpStatusCode.Created);
        var sourceId = await _api.AddSourceAsync("selftested", "create table t as select generate_series(1, 10) id;");

        var report = await _api.PostAsync("/api/v1/system/self-test", new { sourceIds = new[] { sourceId } });
        var steps = report["steps"]!.AsArray().ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!);
        foreach (var name in new[] { "schedules", "backup:selftested", "verify:selftested", "restore:selftested", $"alert:selftest-{port}" })
            Assert.True(steps[name]["passed"]!.GetValue<bool>(), $"{name}: {steps[name].ToJsonString()}");
        Assert.Equal(steps.Values.All(s => s["passed"]!.GetValue<bool>()), report["passed"]!.GetValue<bool>());
        Assert.Contains(receiver.Received, n => n.Body["event"]!.GetValue<string>() == "test");
        Assert.False(await fixture.Cluster.ScalarAsync<bool>("postgres", "select exists(select 1 from pg_database where datname like 'bp_selftest_%')"), "the scratch database was dropped");
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/alert-channels/{channel["id"]}", expect: HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task The_seeded_rules_cover_the_seeds_conditions_and_bad_rules_get_400()
    {
        var kinds = (await _api.GetAsync("/api/v1/alert-rules")).AsArray().Select(r => r!["kind"]!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "backup_failures", "storage_low", "verification_failed", "restore_completed", "stale_protection", "recovery_point_stale", "job_stuck", "worker_lost" }, kinds);
        var bad = await _api.PostAsync("/api/v1/alert-rules", new { name = "x", kind = "sunspots" }, HttpStatusCode.BadRequest);
        Assert.Contains("backup_failures", bad.ToJsonString());
        await _api.PostAsync("/api/v1/alert-channels", new { name = "no url", type = "webhook" }, HttpStatusCode.BadRequest);
    }

    private async Task CleanUpAsync(JsonNode rule, JsonNode channel)
    {
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/alert-rules/{rule["id"]}", expect: HttpStatusCode.NoContent);
        await _api.SendAsync(HttpMethod.Delete, $"/api/v1/alert-channels/{channel["id"]}", expect: HttpStatusCode.NoContent);
    }

    private static async Task<JsonNode> WaitForAsync(Func<Task<JsonNode?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The expected alert state did not appear within 60 s.");
            await Task.Delay(250);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Notice(JsonNode Body, byte[] Raw, string? Signature);

    /// <summary>A real HTTP listener that records every notice posted to it.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stop = new();

        public WebhookReceiver(int port)
        {
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public ConcurrentQueue<Notice> Received { get; } = new();

        public async Task<Notice> WaitAsync(Func<JsonNode, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (Received.FirstOrDefault(n => match(n.Body)) is { } found) return found;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"No matching notice within 60 s; got: {string.Join("\n", Received.Select(n => n.Body.ToJsonString()))}");
                await Task.Delay(200);
            }
        }

        private async Task LoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening) { return; }
                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                Received.Enqueue(new Notice(JsonNode.Parse(buffer.ToArray())!, buffer.ToArray(), context.Request.Headers["X-BackupPortal-Signature"]));
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
        }
    }

    /// <summary>An in-process SMTP server (the SmtpServer package) on a free loopback port, keeping every message.</summary>
    private sealed class MailReceiver : MessageStore, IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<MimeMessage> _messages = new();

        public int Port { get; private init; }

        public static async Task<MailReceiver> StartAsync()
        {
            var receiver = new MailReceiver { Port = FreePort() };
            var options = new SmtpServerOptionsBuilder().ServerName("localhost").Port(receiver.Port).Build();
            var services = new SmtpServer.ComponentModel.ServiceProvider();
            services.Add(receiver);
            _ = new SmtpServer.SmtpServer(options, services).StartAsync(receiver._stop.Token);
            await Task.Delay(200);
            return receiver;
        }

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            _messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }

        public async Task<MimeMessage> WaitAsync(Func<MimeMessage, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (_messages.FirstOrDefault(match) is { } found) return found;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"No matching email within 60 s; got: {string.Join("; ", _messages.Select(m => m.Subject))}");
                await Task.Delay(200);
            }
        }

        public void Dispose() => _stop.Cancel();
    }
}
