using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Alerts;

/// <summary>Evaluates the rules every <c>Alerts__EvaluationInterval</c> and works the outbox every second.</summary>
public sealed class AlertLoop(IServiceScopeFactory scopes, IOptions<AlertOptions> options, ILogger<AlertLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextEvaluation = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                if (DateTimeOffset.UtcNow >= nextEvaluation)
                {
                    nextEvaluation = DateTimeOffset.UtcNow + options.Value.EvaluationInterval;
                    await scope.ServiceProvider.GetRequiredService<AlertEvaluator>().EvaluateAsync(stoppingToken);
                }
                await scope.ServiceProvider.GetRequiredService<AlertDispatcher>().DeliverDueAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Alerting hit an unexpected error; it carries on");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }
}
