using BackupPortal.Api;
using BackupPortal.Infrastructure;

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

var builder = WebApplication.CreateBuilder(args);
builder.AddInfrastructure();
builder.AddApi();

var app = builder.Build();
app.UseInfrastructure();
app.UseApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
