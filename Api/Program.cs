using BackupPortal.Api;
using BackupPortal.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddInfrastructure();
builder.AddApi();

var app = builder.Build();
app.UseInfrastructure();
app.UseApi();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
