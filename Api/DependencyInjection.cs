using System.Text.Json;
using System.Text.Json.Serialization;
using BackupPortal.Api.Audit;
using BackupPortal.Api.Auth;
using BackupPortal.Api.Errors;
using BackupPortal.Api.Health;
using BackupPortal.Api.Monitoring;
using BackupPortal.Api.OpenApi;
using FastEndpoints;

namespace BackupPortal.Api;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DomainExceptionHandler>();
        builder.AddAuth();
        builder.AddHardening();
        builder.Services.AddCors(o => o.AddPolicy(FunctionsCors, p => p.AllowAnyOrigin().AllowAnyHeader().WithMethods("POST", "OPTIONS")));
        // Only this assembly holds endpoints and validators; scanning every loaded assembly costs startup time and memory.
        builder.Services.AddFastEndpoints(o => { o.DisableAutoDiscovery = true; o.Assemblies = [typeof(DependencyInjection).Assembly]; });
        builder.Services.AddApiDocs();
        builder.Services.AddHealthChecks().AddCheck<CatalogHealthCheck>("catalog").AddCheck<StorageHealthCheck>("storage");
        return builder;
    }

    /// <summary>supabase-js in a browser sends apikey and x-client-info and preflights; the function route answers them.</summary>
    private const string FunctionsCors = "functions";

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/functions"), branch => branch.UseCors(FunctionsCors));
        // Before authentication: OpenIddict answers failed sign-ins itself, and those must be audited too.
        app.UseMiddleware<AuditMiddleware>();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseFastEndpoints(c =>
        {
            c.Endpoints.RoutePrefix = "api/v1";
            c.Errors.UseProblemDetails();
            c.Serializer.Options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            c.Serializer.Options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        app.MapConnect();
        app.MapLoginPage();
        app.MapHealth();
        app.MapPrometheus();
        app.UseApiDocs();
        return app;
    }
}
