using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Sources;

/// <summary>
/// <c>SUPABASE_URL</c> as a <c>postgresql://user:pass@host:port/db</c> URI registers (or updates) the source named
/// <c>default</c> at startup; with <c>SUPABASE_PITR=true</c> its point-in-time recovery is switched on as well.
/// </summary>
public sealed class DefaultSourceRegistrar(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<DefaultSourceRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var url = configuration["SUPABASE_URL"];
        if (string.IsNullOrWhiteSpace(url)) return;
        var input = Parse(url);
        using var scope = scopes.CreateScope();
        var source = await scope.ServiceProvider.GetRequiredService<SourceService>().UpsertByNameAsync(input, cancellationToken);
        logger.LogInformation("Source 'default' ({User}@{Host}:{Port}/{Database}) registered from SUPABASE_URL as {Id}",
            source.Username, source.Host, source.Port, source.DatabaseName, source.Id);
        if (!configuration.GetValue("SUPABASE_PITR", false) || source.PointInTimeRecovery) return;
        try
        {
            await scope.ServiceProvider.GetRequiredService<Pitr.PitrService>().EnableAsync(source.Id, cancellationToken);
        }
        catch (Domain.Common.DomainException e)
        {
            logger.LogWarning("SUPABASE_PITR is set, but point-in-time recovery could not be enabled for 'default': {Reason}", e.Message);
        }
    }

    public static SourceInput Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgresql" or "postgres"))
            throw new InvalidOperationException("SUPABASE_URL must be a PostgreSQL URI: postgresql://user:password@host:port/database.");
        var credentials = uri.UserInfo.Split(':', 2);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        return new SourceInput(
            Name: "default",
            Host: uri.Host,
            Port: uri.Port > 0 ? uri.Port : 5432,
            Database: Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')) is { Length: > 0 } db ? db : "postgres",
            Username: Uri.UnescapeDataString(credentials[0]),
            Password: credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : null,
            SslMode: query["sslmode"] ?? "prefer",
            Enabled: true);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
