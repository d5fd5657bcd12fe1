using System.Text.Json;
using BackupPortal.Api;
using BackupPortal.Infrastructure;
using BackupPortal.Infrastructure.Storage;

if (args.Contains("--worker-only"))
{
    // The same job engine and catalog without HTTP: run as many of these as the work needs.
    var worker = Host.CreateApplicationBuilder(args);
    worker.AddInfrastructure();
    var host = worker.Build();
    host.UseInfrastructure();
    host.Run();
    return;
}

if (Array.IndexOf(args, "--reindex") is >= 0 and var at)
{
    // Disaster recovery: rebuild the catalog from one location, print what was found, and exit (1 when anything was skipped).
    var tool = Host.CreateApplicationBuilder(args);
    tool.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Worker:Enabled"] = "false", ["Pitr:ReceiversEnabled"] = "false", ["Alerts:Enabled"] = "false", ["Scheduler:Enabled"] = "false",
    });
    tool.AddInfrastructure();
    using var host = tool.Build();
    await host.StartAsync();
    using (var scope = host.Services.CreateScope())
    {
        try
        {
            var result = await scope.ServiceProvider.GetRequiredService<Reindexer>().RunAsync(args.ElementAtOrDefault(at + 1) ?? "default", CancellationToken.None);
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            Environment.ExitCode = result.Errors.Count == 0 ? 0 : 1;
        }
        catch (BackupPortal.Domain.Common.DomainException e)
        {
            Console.Error.WriteLine(e.Message);
            Environment.ExitCode = 2;
        }
    }
    await host.StopAsync();
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddInfrastructure();
builder.AddApi();

var app = builder.Build();
app.UseInfrastructure();
app.UseApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
