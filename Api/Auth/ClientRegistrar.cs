using BackupPortal.Domain.Identity;
using BackupPortal.Infrastructure.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Auth;

/// <summary>
/// Registers at startup the admin script client from <c>BACKUPPORTAL_CLIENT_ID</c> / <c>BACKUPPORTAL_CLIENT_SECRET</c>,
/// and the portal's client (authorization code + PKCE) for <c>BACKUPPORTAL_PORTAL_URL</c>.
/// </summary>
public sealed class ClientRegistrar(IServiceScopeFactory scopes, IConfiguration configuration, ILogger<ClientRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var clientId = configuration["BACKUPPORTAL_CLIENT_ID"];
        var secret = configuration["BACKUPPORTAL_CLIENT_SECRET"];
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(secret))
            logger.LogWarning("BACKUPPORTAL_CLIENT_ID and BACKUPPORTAL_CLIENT_SECRET are not both set: no admin script client is registered");
        else
        {
            await scope.ServiceProvider.GetRequiredService<ClientService>()
                .EnsureAsync(clientId, secret, "Admin script client (BACKUPPORTAL_CLIENT_ID)", Roles.Admin, cancellationToken);
            logger.LogInformation("Admin client {ClientId} registered", clientId);
        }

        var portal = configuration["BACKUPPORTAL_PORTAL_URL"];
        if (string.IsNullOrWhiteSpace(portal)) return;
        await RegisterPortalAsync(scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(), new Uri(portal.TrimEnd('/') + "/"), cancellationToken);
        logger.LogInformation("Portal client registered for {Portal}", portal);
    }

    private static async Task RegisterPortalAsync(IOpenIddictApplicationManager applications, Uri portal, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = ClientService.PortalClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "BackupPortal portal",
            RedirectUris = { new Uri(portal, "signin-oidc") },
            PostLogoutRedirectUris = { new Uri(portal, "signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile, Permissions.Scopes.Roles, Permissions.Prefixes.Scope + AuthSetup.ApiScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        var existing = await applications.FindByClientIdAsync(ClientService.PortalClientId, cancellationToken);
        if (existing is null) await applications.CreateAsync(descriptor, cancellationToken);
        else await applications.UpdateAsync(existing, descriptor, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
