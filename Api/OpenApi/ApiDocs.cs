using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace BackupPortal.Api.OpenApi;

/// <summary>Swagger UI at <c>/swagger</c>, the document at <c>/swagger/v1/swagger.json</c>; <c>Swagger__Enabled=false</c> turns both off.</summary>
public static class ApiDocs
{
    public static IServiceCollection AddApiDocs(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo { Title = "BackupPortal API", Version = "v1" });
            o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An access token from POST /connect/token (client credentials).",
            });
            o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            o.CustomSchemaIds(t => t.FullName!.Replace("BackupPortal.Api.Features.", "").Replace('+', '.'));
            o.OperationFilter<RouteParameterFilter>();
        });
        return services;
    }

    public static void UseApiDocs(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Swagger:Enabled", true)) return;
        app.UseSwagger();
        app.UseSwaggerUI(o => o.SwaggerEndpoint("/swagger/v1/swagger.json", "BackupPortal API v1"));
    }
}

/// <summary>Declares <c>{id}</c> route values as path parameters and drops request bodies from GET and DELETE.</summary>
public sealed class RouteParameterFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var method = context.ApiDescription.HttpMethod;
        if (method is "GET" or "DELETE") operation.RequestBody = null;
        var route = context.ApiDescription.RelativePath ?? "";
        operation.Parameters ??= [];
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(route, @"\{(\w+)[^}]*\}"))
        {
            var name = m.Groups[1].Value;
            if (operation.Parameters.Any(p => p.Name == name && p.In == ParameterLocation.Path)) continue;
            operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        }
    }
}
