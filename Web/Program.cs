using BackupPortal.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddPortal();

var app = builder.Build();
app.UsePortal();
app.Run();

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;
