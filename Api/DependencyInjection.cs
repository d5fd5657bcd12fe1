using System.Text.Json;
using System.Text.Json.Serialization;
using BackupPortal.Api.Auth;
using BackupPortal.Api.Errors;
using BackupPortal.Api.Health;
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
        builder.Services.AddFastEndpoints();
        builder.Services.AddApiDocs();
        builder.Services.AddHealthChecks().AddCheck<CatalogHealthCheck>("catalog").AddCheck<StorageHealthCheck>("storage");
        return builder;
    }

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseFastEndpoints(c =>
        {
            c.Endpoints.RoutePrefix = "api/v1";
            c.Errors.UseProblemDetails();
            c.Serializer.Options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            c.Serializer.Options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        app.MapTokenEndpoint();
        app.MapHealth();
        app.UseApiDocs();
        return app;
    }
}
