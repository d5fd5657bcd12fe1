using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuditAndSecretsTests(ApiFixture fixture)
{
    private readonly ApiDriver _api = new(fixture);

    [Fact]
    public async Task State_changing_requests_and_sign_ins_are_audited_with_actor_role_action_and_outcome()
    {
        await _api.PostAsync("/api/v1/sources", new { name = "audited", host = "127.0.0.1", port = 5432, database = "x", username = "u", password = "audit-Secret-123", sslMode = "disable" }, HttpStatusCode.Created);
        using var anonymous = fixture.Factory.CreateClient();
        var failed = await anonymous.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ApiFixture.ClientId, ["client_secret"] = "wrong-secret",
        }));
        Assert.False(failed.IsSuccessStatusCode);

        var rows = (await _api.GetAsync("/api/v1/audit?pageSize=100"))["items"]!.AsArray();
        var created = rows.First(r => r!["action"]!.GetValue<string>() == "POST /api/v1/sources" && r["summary"]!.GetValue<string>().Contains("audited"))!;
        Assert.Equal(ApiFixture.ClientId, created["actor"]!.GetValue<string>());
        Assert.Equal("admin", created["actorRole"]!.GetValue<string>());
        Assert.Equal("success", created["outcome"]!.GetValue<string>());
        Assert.Contains("\"password\":\"***\"", created["summary"]!.GetValue<string>());

        var signIn = rows.First(r => r!["action"]!.GetValue<string>() == "POST /connect/token" && r["outcome"]!.GetValue<string>() != "success")!;
        Assert.Equal(ApiFixture.ClientId, signIn["actor"]!.GetValue<string>());
        Assert.DoesNotContain("wrong-secret", signIn["summary"]!.GetValue<string>());

        var filtered = (await _api.GetAsync($"/api/v1/audit?actor={ApiFixture.ClientId}&action=sources"))["items"]!.AsArray();
        Assert.NotEmpty(filtered);
        Assert.All(filtered, r => Assert.Contains("sources", r!["action"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Changing_any_audit_row_in_the_database_breaks_the_chain_and_names_the_row()
    {
        await _api.PostAsync("/api/v1/backups", new { sourceId = Guid.NewGuid(), backupType = "full" }, HttpStatusCode.NotFound);
        var refused = (await _api.GetAsync("/api/v1/audit?action=backups&pageSize=1"))["items"]!.AsArray().Single()!;
        Assert.Equal("rejected (404)", refused["outcome"]!.GetValue<string>());
        var before = await _api.GetAsync("/api/v1/audit/verify");
        Assert.True(before["valid"]!.GetValue<bool>(), before.ToJsonString());
        Assert.True(before["checked"]!.GetValue<long>() > 0);

        var victim = await fixture.Cluster.ScalarAsync<long>("bp_catalog", "select min(id) from audit_log");
        var original = await fixture.Cluster.ScalarAsync<string>("bp_catalog", $"select outcome from audit_log where id = {victim}");
        await fixture.Cluster.ExecuteAsync("bp_catalog", $"update audit_log set outcome = 'forged' where id = {victim}");
        try
        {
            var after = await _api.GetAsync("/api/v1/audit/verify");
            Assert.False(after["valid"]!.GetValue<bool>());
            Assert.Equal(victim, after["firstBrokenId"]!.GetValue<long>());
        }
        finally
        {
            await fixture.Cluster.ExecuteAsync("bp_catalog", $"update audit_log set outcome = '{original}' where id = {victim}");
        }
        Assert.True((await _api.GetAsync("/api/v1/audit/verify"))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Passwords_and_keys_never_reach_the_log_the_audit_trail_or_an_api_answer()
    {
        const string sourcePassword = "Src-Pa55word-LEAK-CHECK";
        var source = await _api.PostAsync("/api/v1/sources", new
        {
            name = "secret-src", host = "127.0.0.1", port = fixture.Cluster.Port, database = "supabase_demo",
            username = "postgres", password = sourcePassword, sslMode = "disable",
        }, HttpStatusCode.Created);
        await _api.PostAsync($"/api/v1/sources/{source["id"]}/test", new { });
        using var service = fixture.Factory.CreateClient();
        service.DefaultRequestHeaders.Authorization = new("Bearer", fixture.ServiceRoleKey);
        var listed = await service.PostAsJsonAsync("/functions/v1/automated-backup-scheduler", new { action = "list_backups" });
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var created = await _api.PostAsync("/api/v1/clients", new { clientId = "leak-check", role = "viewer" }, HttpStatusCode.Created);
        var clientSecret = created["clientSecret"]!.GetValue<string>();
        Assert.DoesNotContain(clientSecret, (await _api.GetAsync("/api/v1/clients")).ToJsonString());

        var audit = await fixture.Cluster.ScalarAsync<string>("bp_catalog", "select coalesce(string_agg(concat_ws('|', actor, action, target, outcome, summary), E'\\n'), '') from audit_log");
        var logs = fixture.Logs.Text;
        var answers = (await _api.GetAsync("/api/v1/sources")).ToJsonString();
        foreach (var secret in new[] { sourcePassword, ApiFixture.DemoPassword, fixture.ServiceRoleKey, fixture.ScrapeKey, fixture.ClientSecret, clientSecret, fixture.MasterKey, ApiFixture.AdminPassword })
        {
            Assert.DoesNotContain(secret, logs);
            Assert.DoesNotContain(secret, audit);
            Assert.DoesNotContain(secret, answers);
        }
        Assert.Contains("service_role", audit);
    }

    [Fact]
    public async Task The_function_route_answers_cors_preflight_for_supabase_js_headers()
    {
        using var browser = fixture.Factory.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/functions/v1/automated-backup-scheduler");
        preflight.Headers.Add("Origin", "http://localhost:3000");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, apikey, x-client-info, content-type");
        var response = await browser.SendAsync(preflight);
        Assert.True(response.IsSuccessStatusCode, $"Preflight answered {(int)response.StatusCode}");
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("apikey", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_rotated_master_key_encrypts_new_backups_and_rewrap_moves_old_ones_without_breaking_them()
    {
        var sourceId = await _api.AddSourceAsync("rotation_src", "create table t as select i as id, md5(i::text) v from generate_series(1, 20000) i;");
        var old = await _api.BackupAsync(sourceId);
        var oldKey = old["keyId"]!.GetValue<string>();

        var rotated = await _api.PostAsync("/api/v1/keys/rotate", new { });
        var newKey = rotated["id"]!.GetValue<string>();
        Assert.NotEqual(oldKey, newKey);
        Assert.True(File.Exists(Path.Combine(fixture.StoragePath, "_keys", newKey + ".json")), "the wrapped key is also kept beside the artifacts");

        var fresh = await _api.BackupAsync(sourceId);
        Assert.Equal(newKey, fresh["keyId"]!.GetValue<string>());

        var rewrap = await _api.PostAsync("/api/v1/keys/rewrap", new { });
        Assert.True(rewrap["artifactsRewrapped"]!.GetValue<int>() >= 1, rewrap.ToJsonString());
        var moved = await _api.GetAsync($"/api/v1/backups/{old["id"]}");
        Assert.Equal(newKey, moved["keyId"]!.GetValue<string>());
        Assert.NotEqual(old["checksumSha256"]!.GetValue<string>(), moved["checksumSha256"]!.GetValue<string>());

        await _api.PostAsync($"/api/v1/backups/{old["id"]}/verify", new { }, HttpStatusCode.Accepted);
        var verified = await _api.WaitAsync($"/api/v1/backups/{old["id"]}", d => d["verificationStatus"]!.GetValue<string>() != "pending");
        Assert.True(verified["verificationStatus"]!.GetValue<string>() == "verified", verified.ToJsonString());
        var keys = (await _api.GetAsync("/api/v1/keys")).AsArray();
        Assert.Single(keys, k => k!["current"]!.GetValue<bool>() && k["id"]!.GetValue<string>() == newKey);
    }

    [Fact]
    public async Task Tokens_survive_an_api_restart()
    {
        await using var restarted = fixture.CreateFactory([]);
        using var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = fixture.Client.DefaultRequestHeaders.Authorization;
        var me = await client.GetFromJsonAsync<JsonObject>("/api/v1/me");
        Assert.Equal(ApiFixture.ClientId, me!["name"]!.GetValue<string>());
    }
}
