extern alias web;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Tests.Infrastructure;

/// <summary>
/// The Api and the portal on real Kestrel ports, as a browser or Node sees them. The Api gets its own catalog
/// database on the collection's cluster, so its worker never touches the in-memory Api's jobs.
/// </summary>
public sealed class LiveStack : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _api;
    private readonly WebApplicationFactory<web::Program> _web;

    public LiveStack(ApiFixture fixture)
    {
        var apiPort = FreePort();
        var webPort = FreePort();
        ApiUrl = $"http://127.0.0.1:{apiPort}";
        WebUrl = $"http://127.0.0.1:{webPort}";
        _api = fixture.CreateFactory(new()
        {
            ["ConnectionStrings:Catalog"] = fixture.Cluster.ConnectionString("bp_catalog_live"),
            ["BACKUPPORTAL_PORTAL_URL"] = WebUrl,
            ["SUPABASE_URL"] = fixture.DemoUrl,
            // Shorter than the portal's refresh margin, so every portal request exercises the refresh token.
            ["Tokens:AccessTokenLifetime"] = "00:02:00",
        });
        _api.UseKestrel(o => o.Listen(IPAddress.Loopback, apiPort));
        _api.StartServer();
        _web = new WebApplicationFactory<web::Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.ConfigureLogging(logging => logging.AddProvider(fixture.Logs));
            b.UseSetting("BACKUPPORTAL_API_URL", ApiUrl);
        });
        _web.UseKestrel(o => o.Listen(IPAddress.Loopback, webPort));
        _web.StartServer();
    }

    public string ApiUrl { get; }
    public string WebUrl { get; }
    public IServiceProvider ApiServices => _api.Services;

    /// <summary>A client with its own cookie jar that follows redirects across the Api and the portal, like a browser without JavaScript.</summary>
    public static HttpClient Browser() => new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true });

    public async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
        await _api.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
