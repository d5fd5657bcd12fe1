using System.Net.Http.Json;
using System.Text.Json;
using BackupPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace BackupPortal.Tests.Api;

/// <summary>The portal in a real browser (Debian's Chromium through Playwright) against the real Api and PostgreSQL.</summary>
[Collection(ApiCollection.Name)]
public sealed class PortalTests(ApiFixture fixture) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string Screenshots = Path.Combine(RepoPaths.Root, "tests", "BackupPortal.Tests", "screenshots");
    private LiveStack _stack = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: run ./test.sh, which installs Debian's chromium.");
        _stack = new LiveStack(fixture);
        using (var warm = LiveStack.Browser()) await warm.GetAsync(_stack.WebUrl + "/");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task Admin_starts_a_backup_from_the_dashboard_and_watches_it_complete_and_verify_without_a_reload()
    {
        var page = await SignInAsync("admin", ApiFixture.AdminPassword, 1280);
        Assert.Contains("with the role admin", await page.Locator("#whoami").InnerTextAsync());
        var card = page.Locator("[data-source='default']");
        await card.Locator("button", new() { HasText = "Back up now" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/backups/[0-9a-f-]{36}$"));
        await page.EvaluateAsync("() => window.__stayed = true");

        // The state region refreshes itself: running with a progress bar, then completed, then verified.
        await page.Locator("#state [data-done='yes']").WaitForAsync(new() { Timeout = 120_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__stayed === true"), "the page reloaded instead of updating in place");
        var state = await page.Locator("#state").InnerHTMLAsync();
        Assert.True(await page.Locator("#state [data-status='completed']").CountAsync() == 1, state);
        Assert.True(await page.Locator("#state [data-status='verified']").CountAsync() == 1, state);
        Assert.True(await page.Locator("#state table").CountAsync() >= 1, "the verification report is shown");
        Assert.Equal(1, await page.Locator("#state button", new() { HasText = "Verify again" }).CountAsync());
        Assert.Contains("dumping contents of table", await page.Locator("#log pre").TextContentAsync());
        await page.ReloadAsync();
        Assert.Contains("\"checksumSha256\"", await page.Locator("#manifest pre").TextContentAsync());
        await ShootAsync(page, "backup-detail");

        await page.GotoAsync(_stack.WebUrl + "/");
        Assert.DoesNotContain("never", await page.Locator("[data-source='default'] dl").InnerTextAsync());
        Assert.Equal(1, await page.Locator("svg.chart[aria-label^='Backup jobs per day']").CountAsync());
        Assert.Equal(1, await page.Locator("svg.chart[aria-label^='Average backup duration']").CountAsync());
        await ShootAsync(page, "dashboard");
        await page.GotoAsync(_stack.WebUrl + "/backups?status=completed");
        Assert.True(await page.Locator("table tbody tr").CountAsync() >= 1);
        await ShootAsync(page, "backups");
    }

    [Fact]
    public async Task A_viewer_sees_no_action_and_a_forged_backup_request_is_refused()
    {
        var name = "viewer" + Guid.NewGuid().ToString("N")[..6];
        await CreateUserAsync(name, "Viewer-Pa55word!", "viewer");
        var page = await SignInAsync(name, "Viewer-Pa55word!", 390);
        Assert.Contains("with the role viewer", await page.Locator("#whoami").InnerTextAsync());
        Assert.Equal(0, await page.Locator("button", new() { HasText = "Back up now" }).CountAsync());

        // The sign-out form's antiforgery token makes the forged request look legitimate; the Api's role check still refuses it.
        var status = await page.EvaluateAsync<int>("""
            async () => {
              const token = document.querySelector('input[name="__RequestVerificationToken"]').value;
              const form = new URLSearchParams({ __RequestVerificationToken: token, sourceId: crypto.randomUUID(), backupType: 'full' });
              return (await fetch('/?handler=Backup', { method: 'POST', body: form, credentials: 'same-origin' })).status;
            }
            """);
        Assert.Equal(403, status);
        Assert.Equal(0, await page.Locator("nav a[href='/restore']").CountAsync());
        Assert.Equal(403, (await page.GotoAsync(_stack.WebUrl + "/restore"))!.Status);
        Assert.Equal(403, (await page.GotoAsync(_stack.WebUrl + "/audit"))!.Status);
        await page.GotoAsync(_stack.WebUrl + "/");
        await ShootAsync(page, "dashboard-viewer");
    }

    [Fact]
    public async Task Admin_restores_one_table_through_the_wizard_into_a_new_database()
    {
        await fixture.Cluster.ExecuteAsync("supabase_demo", """
            create table if not exists wizard_items (id int primary key, label text);
            insert into wizard_items select g, 'item ' || g from generate_series(1, 42) g on conflict do nothing;
            create table if not exists wizard_other (id int);
            """);
        var (sourceId, backupId) = await BackupDefaultSourceAsync();
        var page = await SignInAsync("admin", ApiFixture.AdminPassword, 1280);

        await page.GotoAsync(_stack.WebUrl + "/restore");
        await page.SelectOptionAsync("#SourceId", sourceId);
        await page.ClickAsync("button[value=refresh]");
        await page.CheckAsync($"input[name=BackupId][value='{backupId}']");
        await ShootAsync(page, "restore-1-backup");
        await page.ClickAsync("#next");
        await page.CheckAsync("input[name=RestoreType][value=partial]");
        await page.FillAsync("#table-filter", "wizard");
        await page.CheckAsync("input[name=Tables][value='public.wizard_items']");
        await ShootAsync(page, "restore-2-what");
        await page.ClickAsync("#next");
        await page.FillAsync("#TargetDatabase", "wizard_copy");
        await page.ClickAsync("#next");
        await page.FillAsync("#Reason", "wizard test: bring back one table");
        await page.ClickAsync("#next");
        Assert.Contains("public.wizard_items", await page.Locator("#summary").InnerTextAsync());
        await ShootAsync(page, "restore-5-confirm");
        await page.ClickAsync("#next");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/restores/[0-9a-f-]{36}$"));
        await page.Locator("#state [data-done='yes']").WaitForAsync(new() { Timeout = 120_000 });
        var state = await page.Locator("#state").InnerTextAsync();
        Assert.True(await page.Locator("#state [data-status='completed']").CountAsync() == 1, state);
        Assert.Contains("public.wizard_items", state);
        await ShootAsync(page, "restore-result");
        Assert.Equal(42L, await fixture.Cluster.ScalarAsync<long>("wizard_copy", "select count(*) from wizard_items"));
        Assert.False(await fixture.Cluster.ScalarAsync<bool>("wizard_copy", "select to_regclass('public.wizard_other') is not null"), "only the chosen table is restored");
    }

    [Fact]
    public async Task A_point_in_time_outside_the_window_is_refused_beside_the_field()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        var sourceId = await PitrSourceWithWindowAsync(cluster);
        var page = await SignInAsync("admin", ApiFixture.AdminPassword, 390);
        await page.GotoAsync($"{_stack.WebUrl}/restore?sourceId={sourceId}");
        await page.ClickAsync("#next");
        await page.CheckAsync("input[name=RestoreType][value=point_in_time]");
        Assert.Equal(1, await page.Locator("figure.timeline svg[aria-label='Recoverable window']").CountAsync());
        await page.FillAsync("#TargetTime", "2001-01-01T00:00");
        await page.ClickAsync("#next");
        var error = page.Locator("#error-targetTime");
        await error.WaitForAsync();
        Assert.Contains("outside the recoverable window", await error.InnerTextAsync());
        Assert.Equal(1, await page.Locator("#TargetTime").CountAsync());
        await ShootAsync(page, "restore-2-window-error");

        await page.GotoAsync(_stack.WebUrl + "/sources");
        Assert.Equal(1, await page.Locator($"[data-source='timeline-{cluster.Port}'] figure.timeline svg").CountAsync());
        await ShootAsync(page, "sources-pitr");
        using var http = await AdminClientAsync();
        await http.PostAsJsonAsync($"{_stack.ApiUrl}/api/v1/sources/{sourceId}/pitr/disable", new { });
    }

    /// <summary>A source on its own cluster with point-in-time recovery on, once its first base backup opened the window.</summary>
    private async Task<string> PitrSourceWithWindowAsync(PostgresCluster cluster)
    {
        await cluster.CreateDatabaseAsync("timeline");
        await cluster.ExecuteAsync("timeline", "create table events (id int primary key); insert into events values (1);");
        using var http = await AdminClientAsync();
        var created = await http.PostAsJsonAsync(_stack.ApiUrl + "/api/v1/sources", new
        {
            name = $"timeline-{cluster.Port}", host = "127.0.0.1", port = cluster.Port, database = "timeline", username = "postgres", password = "unused", sslMode = "disable",
        });
        var sourceId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var enabled = await http.PostAsJsonAsync($"{_stack.ApiUrl}/api/v1/sources/{sourceId}/pitr/enable", new { });
        Assert.True(enabled.IsSuccessStatusCode, await enabled.Content.ReadAsStringAsync());
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var window = await http.GetFromJsonAsync<JsonElement>($"{_stack.ApiUrl}/api/v1/sources/{sourceId}/recovery-window");
            if (window.GetProperty("earliest").ValueKind == JsonValueKind.String) return sourceId;
            Assert.True(DateTime.UtcNow < deadline, $"no recoverable window after 2 minutes: {window}");
            await Task.Delay(500);
        }
    }

    [Fact]
    public async Task Admin_tests_a_source_pauses_a_schedule_and_browses_restores_and_alerts()
    {
        var page = await SignInAsync("admin", ApiFixture.AdminPassword, 1280);
        await page.GotoAsync(_stack.WebUrl + "/sources");
        await page.Locator("[data-source='default'] button", new() { HasText = "Test connection" }).ClickAsync();
        Assert.Contains("Connected: PostgreSQL 15", await page.Locator("[data-source='default'] .test-result").InnerTextAsync());
        Assert.Contains("point-in-time recovery", (await page.Locator("[data-source='default'] .test-result").InnerTextAsync()).ToLowerInvariant());
        await ShootAsync(page, "sources");

        await page.GotoAsync(_stack.WebUrl + "/schedules");
        var row = page.Locator("tr", new() { HasText = "Weekly schema" }).First;
        await row.Locator("button", new() { HasText = "Pause" }).ClickAsync();
        Assert.Equal(1, await page.Locator("tr", new() { HasText = "Weekly schema" }).First.Locator("[data-status='paused']").CountAsync());
        await page.Locator("tr", new() { HasText = "Weekly schema" }).First.Locator("button", new() { HasText = "Resume" }).ClickAsync();
        Assert.Equal(1, await page.Locator("tr", new() { HasText = "Weekly schema" }).First.Locator("[data-status='active']").CountAsync());
        await ShootAsync(page, "schedules");

        foreach (var (path, heading) in new[] { ("/restores", "Restores"), ("/alerts?state=all", "Alerts"), ("/people", "Users and clients") })
        {
            await page.GotoAsync(_stack.WebUrl + path);
            Assert.Equal(heading, await page.Locator("h1").InnerTextAsync());
            await ShootAsync(page, path.Trim('/').Split('?')[0]);
        }
        await page.GotoAsync(_stack.WebUrl + "/alerts");
        var rule = page.Locator("tr[data-rule='Job running for over 6 hours']");
        await rule.Locator("button", new() { HasText = "Disable" }).ClickAsync();
        Assert.Equal(1, await page.Locator("tr[data-rule='Job running for over 6 hours'] [data-status='paused']").CountAsync());
        await page.Locator("tr[data-rule='Job running for over 6 hours'] button", new() { HasText = "Enable" }).ClickAsync();
        Assert.Equal(1, await page.Locator("tr[data-rule='Job running for over 6 hours'] [data-status='active']").CountAsync());
        await page.FillAsync("tr[data-rule='Job running for over 6 hours'] input[name=threshold]", "480");
        await page.SelectOptionAsync("tr[data-rule='Job running for over 6 hours'] select[name=severity]", "critical");
        await page.Locator("tr[data-rule='Job running for over 6 hours'] button", new() { HasText = "Save" }).ClickAsync();
        Assert.Equal("Rule saved.", await page.Locator("p[role=status]").InnerTextAsync());
        Assert.Equal("480", await page.InputValueAsync("tr[data-rule='Job running for over 6 hours'] input[name=threshold]"));
        Assert.Equal("critical", await page.InputValueAsync("tr[data-rule='Job running for over 6 hours'] select[name=severity]"));
        var channel = "portal-hook-" + Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("#channelName", channel);
        await page.FillAsync("#channelUrl", "http://127.0.0.1:9/nowhere");
        await page.ClickAsync("#add-channel");
        await page.Locator($"tr[data-channel='{channel}'] button", new() { HasText = "Send a test" }).ClickAsync();
        Assert.Contains("Test message queued", await page.Locator("p[role=status]").InnerTextAsync());
        var channelRow = page.Locator($"tr[data-channel='{channel}']");
        await channelRow.Locator("summary", new() { HasText = "Edit" }).ClickAsync();
        await channelRow.Locator("input[name=url]").FillAsync("http://127.0.0.1:9/elsewhere");
        await channelRow.Locator("input[name=enabled]").UncheckAsync();
        await channelRow.Locator("button", new() { HasText = "Save" }).ClickAsync();
        Assert.Contains("(paused)", await page.Locator($"tr[data-channel='{channel}'] td").First.InnerTextAsync());
        Assert.Equal("http://127.0.0.1:9/elsewhere", await page.InputValueAsync($"tr[data-channel='{channel}'] input[name=url]"));
        await page.Locator($"tr[data-channel='{channel}'] button", new() { HasText = "Remove" }).ClickAsync();
        Assert.Equal(0, await page.Locator($"tr[data-channel='{channel}']").CountAsync());
        await page.GotoAsync(_stack.WebUrl + "/audit");
        Assert.StartsWith("Hash chain intact", await page.Locator("#chain").InnerTextAsync());
        await ShootAsync(page, "audit");
        await page.GotoAsync(_stack.WebUrl + "/keys");
        await page.ClickAsync("button:has-text('Rotate')");
        Assert.Contains("is now current", await page.Locator("p[role=status]").InnerTextAsync());
        await ShootAsync(page, "keys");
    }

    [Fact]
    public async Task An_operator_creates_a_schedule_seeing_the_next_runs_and_cron_errors_as_they_type()
    {
        var name = "operator" + Guid.NewGuid().ToString("N")[..6];
        await CreateUserAsync(name, "Operator-Pa55word!", "operator");
        var page = await SignInAsync(name, "Operator-Pa55word!", 1280);
        await page.GotoAsync(_stack.WebUrl + "/schedules/edit");
        var schedule = "Quarter-hourly " + name;
        await page.FillAsync("#Name", schedule);
        await page.FillAsync("#CronExpression", "61 * * * *");
        await page.Locator("#cron-preview .field-error").WaitForAsync();
        Assert.Contains("minute", await page.Locator("#cron-preview").InnerTextAsync());
        await page.FillAsync("#CronExpression", "*/15 * * * *");
        await page.Locator("#cron-preview time").First.WaitForAsync();
        Assert.Equal(5, await page.Locator("#cron-preview time").CountAsync());
        await ShootAsync(page, "schedule-edit");
        await page.ClickAsync("#save");
        await page.WaitForURLAsync(_stack.WebUrl + "/schedules");
        Assert.Equal(1, await page.Locator("tr", new() { HasText = schedule }).CountAsync());
        Assert.Equal(0, await page.Locator("nav a[href='/restore']").CountAsync());
    }

    [Fact]
    public async Task An_operator_adds_a_source_whose_password_is_never_shown_again_and_a_bad_port_is_refused_beside_the_field()
    {
        var name = "operator" + Guid.NewGuid().ToString("N")[..6];
        await CreateUserAsync(name, "Operator-Pa55word!", "operator");
        var page = await SignInAsync(name, "Operator-Pa55word!", 1280);
        await page.GotoAsync(_stack.WebUrl + "/sources/edit");
        var source = "portal-" + name;
        await page.FillAsync("#Name", source);
        await page.FillAsync("#Host", "127.0.0.1");
        await page.FillAsync("#Port", "70000");
        await page.FillAsync("#Database", "supabase_demo");
        await page.FillAsync("#Username", "postgres");
        await page.FillAsync("#Password", "portal-Secret-42");
        await page.EvaluateAsync("() => document.querySelector('#Port').removeAttribute('max')");
        await page.ClickAsync("#save");
        Assert.Contains("port", (await page.Locator("#error-port").InnerTextAsync()).ToLowerInvariant());

        await page.FillAsync("#Port", fixture.Cluster.Port.ToString());
        await page.FillAsync("#Password", "portal-Secret-42");
        await page.ClickAsync("#save");
        await page.WaitForURLAsync(_stack.WebUrl + "/sources");
        var card = page.Locator($"[data-source='{source}']");
        Assert.Equal(1, await card.CountAsync());
        await card.Locator("a", new() { HasText = "Edit" }).ClickAsync();
        Assert.Contains("stored", await page.Locator("#Password").GetAttributeAsync("placeholder") ?? "");
        Assert.DoesNotContain("portal-Secret-42", await page.ContentAsync());
    }

    [Fact]
    public async Task Admin_adds_a_user_and_a_script_client_whose_secret_is_shown_once()
    {
        var page = await SignInAsync("admin", ApiFixture.AdminPassword, 1280);
        await page.GotoAsync(_stack.WebUrl + "/people");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("#newUserName", "olga" + suffix);
        await page.FillAsync("#newPassword", "Olga-Pa55word!");
        await page.ClickAsync("#add-user");
        Assert.Equal(1, await page.Locator($"tr[data-user='olga{suffix}']").CountAsync());
        await page.SelectOptionAsync($"tr[data-user='olga{suffix}'] select[name=role]", "operator");
        await page.FillAsync($"tr[data-user='olga{suffix}'] input[name=password]", "Olga-New-Pa55word!");
        await page.Locator($"tr[data-user='olga{suffix}'] button", new() { HasText = "Save" }).ClickAsync();
        Assert.Contains("password changed", await page.Locator("p[role=status]").InnerTextAsync());
        Assert.Equal("operator", await page.InputValueAsync($"tr[data-user='olga{suffix}'] select[name=role]"));
        var olga = await SignInAsync("olga" + suffix, "Olga-New-Pa55word!", 390);
        Assert.Contains("with the role operator", await olga.Locator("#whoami").InnerTextAsync());

        await page.FillAsync("#newClientId", "nightly-" + suffix);
        await page.ClickAsync("#add-client");
        var secret = await page.Locator("#client-secret").InnerTextAsync();
        Assert.True(secret.Length >= 20, secret);
        await ShootAsync(page, "people");
        await page.GotoAsync(_stack.WebUrl + "/people");
        Assert.DoesNotContain(secret, await page.ContentAsync());
        await page.Locator($"tr[data-client='nightly-{suffix}'] button", new() { HasText = "Remove" }).ClickAsync();
        Assert.Equal(0, await page.Locator($"tr[data-client='nightly-{suffix}']").CountAsync());
    }

    [Fact]
    public async Task Admin_adds_an_S3_location_puts_it_in_a_source_policy_and_watches_a_drill_prove_the_source_restorable()
    {
        await using var s3 = await S3Server.StartAsync();
        var (sourceId, _) = await BackupDefaultSourceAsync();
        var page = await SignInAsync("admin", ApiFixture.AdminPassword, 1280);
        await page.GotoAsync(_stack.WebUrl + "/storage");
        var name = "portal-s3-" + Guid.NewGuid().ToString("N")[..6];
        await page.FillAsync("#locationName", name);
        await page.FillAsync("#locationEndpoint", s3.Endpoint);
        await page.FillAsync("#locationBucket", S3Server.Bucket);
        await page.FillAsync("#locationAccessKey", S3Server.AccessKey);
        await page.FillAsync("#locationSecret", S3Server.SecretKey);
        await page.ClickAsync("#add-location");
        Assert.Contains("added", await page.Locator("p[role=status]").InnerTextAsync());
        await page.Locator($"tr[data-location='{name}'] button", new() { HasText = "Test" }).ClickAsync();
        Assert.Contains("Write, read back and delete worked", await page.Locator("#test-result").InnerTextAsync());
        Assert.DoesNotContain(S3Server.SecretKey + "\"", await page.ContentAsync());
        await ShootAsync(page, "storage");

        try
        {
            await page.GotoAsync($"{_stack.WebUrl}/sources/{sourceId}/drills");
            await page.Locator("label.choice", new() { HasText = name }).Locator("input").CheckAsync();
            await page.ClickAsync("#save-policy");
            Assert.Contains("Storage policy saved", await page.Locator("p[role=status]").InnerTextAsync());
            await page.ClickAsync("#run-drill");
            await page.EvaluateAsync("() => window.__stayed = true");
            await page.Locator("#drills [data-done='yes'] [data-status='passed']").WaitForAsync(new() { Timeout = 120_000 });
            Assert.True(await page.EvaluateAsync<bool>("() => window.__stayed === true"), "the page reloaded instead of updating in place");
            await page.ReloadAsync();
            Assert.Contains("restored in", await page.Locator("#proven").InnerTextAsync());
            await ShootAsync(page, "drills");
        }
        finally
        {
            using var http = await AdminClientAsync();
            await http.PutAsJsonAsync($"{_stack.ApiUrl}/api/v1/sources/{sourceId}/storage-policy", new { locationIds = Array.Empty<Guid>() });
        }
    }

    /// <summary>A completed, verified full backup of the portal stack's <c>default</c> source, through the Api.</summary>
    private async Task<(string SourceId, string BackupId)> BackupDefaultSourceAsync()
    {
        using var http = await AdminClientAsync();
        var sources = await http.GetFromJsonAsync<JsonElement>(_stack.ApiUrl + "/api/v1/sources");
        var sourceId = sources.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "default").GetProperty("id").GetString()!;
        var started = await http.PostAsJsonAsync(_stack.ApiUrl + "/api/v1/backups", new { sourceId, backupType = "full" });
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var backup = await http.GetFromJsonAsync<JsonElement>($"{_stack.ApiUrl}/api/v1/backups/{id}");
            if (backup.GetProperty("verificationStatus").GetString() == "verified") return (sourceId, id);
            Assert.True(DateTime.UtcNow < deadline && backup.GetProperty("status").GetString() is "pending" or "running" or "completed", backup.ToString());
            await Task.Delay(250);
        }
    }

    private async Task<IPage> SignInAsync(string userName, string password, int width)
    {
        var context = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 900 } });
        // A 2-core machine running the whole suite is slow to render the first pages; the defaults leave no margin.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_stack.WebUrl + "/account/signin");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        try
        {
            await page.WaitForURLAsync(_stack.WebUrl + "/");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Signing in as {userName} ended at {page.Url}: {await page.Locator("body").InnerTextAsync()}");
        }
        return page;
    }

    /// <summary>Each main page at a desktop and a phone width, for a reviewer to look at (git-ignored).</summary>
    private static async Task ShootAsync(IPage page, string name)
    {
        foreach (var width in new[] { 1280, 390 })
        {
            await page.SetViewportSizeAsync(width, 900);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-{width}.png"), FullPage = true });
        }
    }

    private async Task<HttpClient> AdminClientAsync()
    {
        var http = LiveStack.Browser();
        var token = await (await http.PostAsync(_stack.ApiUrl + "/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ApiFixture.ClientId, ["client_secret"] = fixture.ClientSecret,
        }))).Content.ReadFromJsonAsync<JsonElement>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("access_token").GetString());
        return http;
    }

    private async Task CreateUserAsync(string userName, string password, string role)
    {
        using var http = await AdminClientAsync();
        var created = await http.PostAsJsonAsync(_stack.ApiUrl + "/api/v1/users", new { userName, password, role });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
    }
}
