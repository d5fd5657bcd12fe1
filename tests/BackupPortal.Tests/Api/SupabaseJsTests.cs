using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using BackupPortal.Tests.Infrastructure;

namespace BackupPortal.Tests.Api;

/// <summary>The real @supabase/supabase-js (from npm, run by Node) against the Api on a real port.</summary>
[Collection(ApiCollection.Name)]
public sealed class SupabaseJsTests(ApiFixture fixture)
{
    [Fact]
    public async Task Supabase_js_functions_invoke_drives_the_automated_backup_scheduler_contract()
    {
        var tests = Path.Combine(RepoPaths.Root, "tests", "supabase-js");
        Assert.True(Directory.Exists(Path.Combine(tests, "node_modules", "@supabase", "supabase-js")),
            "supabase-js is not installed: run ./test.sh (it runs npm ci in tests/supabase-js).");

        await using var stack = new LiveStack(fixture);
        using var admin = LiveStack.Browser();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await TokenAsync(admin, stack, ApiFixture.ClientId, fixture.ClientSecret));

        await fixture.Cluster.CreateDatabaseAsync("supabase_js_src");
        await fixture.Cluster.ExecuteAsync("supabase_js_src", "create table notes (id int primary key, body text); insert into notes select i, 'n' || i from generate_series(1, 500) i;");
        var source = await (await admin.PostAsJsonAsync(stack.ApiUrl + "/api/v1/sources", new
        {
            name = "supabase-js", host = "127.0.0.1", port = fixture.Cluster.Port, database = "supabase_js_src",
            username = "postgres", password = ApiFixture.DemoPassword, sslMode = "disable",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var scheduleId = Guid.NewGuid();
        await fixture.Cluster.ExecuteAsync("bp_catalog_live", $"""
            insert into backup_schedules (id, name, source_id, backup_type, cron_expression, time_zone, is_active, retention_days, created_at, updated_at)
            values ('{scheduleId}', 'daily full', '{source.GetProperty("id").GetString()}', 'full', '0 2 * * *', 'UTC', true, 30, now(), now())
            """);
        var viewer = await (await admin.PostAsJsonAsync(stack.ApiUrl + "/api/v1/clients", new { clientId = "js-viewer", role = "viewer" })).Content.ReadFromJsonAsync<JsonElement>();
        var viewerToken = await TokenAsync(admin, stack, "js-viewer", viewer.GetProperty("clientSecret").GetString()!);

        var node = new ProcessStartInfo("node", ["--test", "--test-reporter=spec", "functions.test.mjs"])
        {
            WorkingDirectory = tests,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["API_URL"] = stack.ApiUrl, ["SERVICE_ROLE_KEY"] = fixture.ServiceRoleKey,
                ["SCHEDULE_ID"] = scheduleId.ToString(), ["VIEWER_TOKEN"] = viewerToken,
            },
        };
        using var process = Process.Start(node)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node --test failed ({process.ExitCode}):\n{await output}\n{await errors}");
        Assert.Contains("pass 6", await output);
    }

    private static async Task<string> TokenAsync(HttpClient http, LiveStack stack, string clientId, string secret)
    {
        var response = await http.PostAsync(stack.ApiUrl + "/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }
}
