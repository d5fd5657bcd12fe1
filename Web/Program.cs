var builder = WebApplication.CreateBuilder(args);
builder.Services.AddRazorPages();
builder.Services.AddHttpClient("api", c => c.BaseAddress = new Uri(builder.Configuration["BACKUPPORTAL_API_URL"] ?? "http://127.0.0.1:5080/"));

var app = builder.Build();
app.UseStaticFiles();
app.MapRazorPages();
app.Run();

/// <summary>Entry point, visible to the tests.</summary>
public partial class Program;
