using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BackupPortal.Infrastructure;

/// <summary>One piece of startup work on a scoped service; steps run in the order they are registered, before the host serves anything.</summary>
public sealed class StartupStep<TService>(IServiceScopeFactory scopes, Func<TService, CancellationToken, Task> step) : IHostedService
    where TService : notnull
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        await step(scope.ServiceProvider.GetRequiredService<TService>(), cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Registers a step; unlike AddHostedService, two steps on one service both run.</summary>
    public static void Add(IServiceCollection services, Func<TService, CancellationToken, Task> step) =>
        services.AddSingleton<IHostedService>(sp => new StartupStep<TService>(sp.GetRequiredService<IServiceScopeFactory>(), step));
}
