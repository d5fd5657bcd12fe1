using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Tests.Infrastructure;

/// <summary>One PostgreSQL cluster and one Api for the whole collection; each test makes its own databases.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string ClientId = "tests";
    public readonly string ClientSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    public readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public const string DemoPassword = "demo-Pa55word-never-logged";
    public const string AdminPassword = "Admin-Pa55word-for-tests";
    public readonly string ServiceRoleKey = "srk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    public readonly string ScrapeKey = "scrape-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>Everything the Api logged, for tests that prove secrets never reach the log.</summary>
    public CapturedLogs Logs { get; } = new();

    public PostgresCluster Cluster { get; private set; } = null!;

    /// <summary>The demo database as <c>SUPABASE_URL</c> names it: the source called <c>default</c>.</summary>
    public string DemoUrl => $"postgresql://postgres:{DemoPassword}@127.0.0.1:{Cluster.Port}/supabase_demo";
    public string StoragePath { get; } = Path.Combine(Path.GetTempPath(), "bp-test-storage-" + Guid.NewGuid().ToString("N")[..8]);
    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await PostgresCluster.StartAsync();
        await Cluster.ExecuteAsync("postgres", $"alter user postgres password '{DemoPassword}'");
        await Cluster.CreateDatabaseAsync("supabase_demo");
        Factory = CreateFactory(new() { ["SUPABASE_URL"] = DemoUrl });
        Client = await AuthorizedClientAsync(Factory);
    }

    public WebApplicationFactory<Program> CreateFactory(Dictionary<string, string?> extra) => new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
    {
        web.UseEnvironment("Development");
        web.ConfigureLogging(logging => logging.AddProvider(Logs));
        // UseSetting, unlike ConfigureAppConfiguration, is visible while Program registers its services.
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Catalog"] = Cluster.ConnectionString("bp_catalog"),
            ["BACKUP_STORAGE_PATH"] = StoragePath,
            ["BACKUP_ENCRYPTION_KEY"] = MasterKey,
            ["BACKUPPORTAL_CLIENT_ID"] = ClientId,
            ["BACKUPPORTAL_CLIENT_SECRET"] = ClientSecret,
            ["PG_BIN_DIR"] = PostgresCluster.BinDir,
            ["Worker:PollInterval"] = "00:00:00.500",
            // Whole-database restores run in parallel whatever the number of cores of the machine running the tests.
            ["Restore:Jobs"] = "2",
            ["SUPABASE_SERVICE_ROLE_KEY"] = ServiceRoleKey,
            ["METRICS_SCRAPE_KEY"] = ScrapeKey,
            ["BACKUPPORTAL_ADMIN_PASSWORD"] = AdminPassword,
            ["RateLimits:SignInPerMinute"] = "1000",
            // Tests fire schedules on purpose (run_due_schedules); a ticker firing the defaults mid-test would only add noise.
            ["Scheduler:Enabled"] = "false",
            // Alerts evaluate every second and retry failed notices quickly, so tests see them within seconds.
            ["Alerts:EvaluationInterval"] = "00:00:01",
            ["Alerts:RetryBase"] = "00:00:01",
            ["Alerts:RetryMax"] = "00:00:03",
        };
        foreach (var (key, value) in extra) settings[key] = value;
        foreach (var (key, value) in settings) web.UseSetting(key, value);
    });

    public Task<HttpClient> AuthorizedClientAsync(WebApplicationFactory<Program> factory) => AuthorizedClientAsync(factory, ClientId, ClientSecret);

    public async Task<HttpClient> AuthorizedClientAsync(WebApplicationFactory<Program> factory, string clientId, string clientSecret)
    {
        var client = factory.CreateClient();
        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"Token request failed: {body}");
        var token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private readonly Dictionary<string, HttpClient> _roleClients = [];

    /// <summary>A client whose token carries the given role (created once through the Api).</summary>
    public async Task<HttpClient> ClientWithRoleAsync(string role)
    {
        if (_roleClients.TryGetValue(role, out var existing)) return existing;
        var created = await Client.PostAsJsonAsync("/api/v1/clients", new { clientId = $"tests-{role}", displayName = $"Tests ({role})", role });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, $"Creating a {role} client failed: {body}");
        var secret = JsonDocument.Parse(body).RootElement.GetProperty("clientSecret").GetString()!;
        return _roleClients[role] = await AuthorizedClientAsync(Factory, $"tests-{role}", secret);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Cluster.DisposeAsync();
        if (Directory.Exists(StoragePath)) Directory.Delete(StoragePath, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
