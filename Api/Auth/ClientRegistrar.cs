using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Auth;

/// <summary>
/// Registers the admin script client from <c>BACKUPPORTAL_CLIENT_ID</c> / <c>BACKUPPORTAL_CLIENT_SECRET</c> at startup,
/// updating its secret when it changed.
/// </summary>
public sealed class ClientRegistrar(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ClientRegistrar> logger) : IHostedService
{
    public const string RoleProperty = "role";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clientId = configuration["BACKUPPORTAL_CLIENT_ID"];
        var secret = configuration["BACKUPPORTAL_CLIENT_SECRET"];
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(secret))
        {
            logger.LogWarning("BACKUPPORTAL_CLIENT_ID and BACKUPPORTAL_CLIENT_SECRET are not both set: no admin client is registered");
            return;
        }
        using var scope = scopes.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = "Admin script client (from BACKUPPORTAL_CLIENT_ID)",
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        descriptor.Properties[RoleProperty] = System.Text.Json.JsonSerializer.SerializeToElement(AuthSetup.AdminRole);
        var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (existing is null)
            await applications.CreateAsync(descriptor, cancellationToken);
        else
            await applications.UpdateAsync(existing, descriptor, cancellationToken);
        logger.LogInformation("Admin client {ClientId} registered", clientId);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
