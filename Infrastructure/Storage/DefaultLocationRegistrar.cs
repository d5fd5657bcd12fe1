using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>Registers the directory of <c>BACKUP_STORAGE_PATH</c> as the location named <c>default</c>, before anything writes.</summary>
public sealed class DefaultLocationRegistrar(IServiceScopeFactory scopes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<StorageService>().EnsureDefaultAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
