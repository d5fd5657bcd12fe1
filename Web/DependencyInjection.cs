using BackupPortal.Web.Api;
using BackupPortal.Web.Auth;

namespace BackupPortal.Web;

public static class DependencyInjection
{
    public static IHostApplicationBuilder AddPortal(this IHostApplicationBuilder builder)
    {
        var apiUrl = new Uri((builder.Configuration["BACKUPPORTAL_API_URL"] ?? "http://127.0.0.1:5080").TrimEnd('/') + "/");
        builder.Services.AddRazorPages();
        builder.AddPortalAuth(apiUrl);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<AccessTokenHandler>();
        builder.Services.AddHttpClient<ApiClient>(c => c.BaseAddress = apiUrl).AddHttpMessageHandler<AccessTokenHandler>();
        return builder;
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseExceptionHandler("/error");
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";
            await next();
        });
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapRazorPages();
        app.MapPortalAuth();
        return app;
    }
}
