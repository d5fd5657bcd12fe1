using System.Security.Cryptography;
using System.Text.Json;
using BackupPortal.Domain.Common;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Infrastructure.Identity;

public sealed record ClientInfo(string ClientId, string? DisplayName, string Role, bool Bootstrap);

public sealed record CreatedClient(string ClientId, string ClientSecret, string Role, string? DisplayName);

/// <summary>Script clients: OAuth client-credentials applications, each with one role. Secrets are shown once and stored hashed.</summary>
public sealed class ClientService(IOpenIddictApplicationManager applications)
{
    public const string RoleProperty = "role";
    public const string BootstrapProperty = "bootstrap";
    public const string PortalClientId = "backupportal-portal";

    public async Task<List<ClientInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var result = new List<ClientInfo>();
        await foreach (var app in applications.ListAsync(cancellationToken: cancellationToken))
        {
            var clientId = await applications.GetClientIdAsync(app, cancellationToken);
            if (clientId == PortalClientId) continue;
            var properties = await applications.GetPropertiesAsync(app, cancellationToken);
            result.Add(new ClientInfo(clientId!, await applications.GetDisplayNameAsync(app, cancellationToken),
                RoleOf(properties), properties.ContainsKey(BootstrapProperty)));
        }
        return [.. result.OrderBy(c => c.ClientId)];
    }

    public async Task<CreatedClient> CreateAsync(string clientId, string? displayName, string role, CancellationToken cancellationToken)
    {
        if (clientId == PortalClientId || await applications.FindByClientIdAsync(clientId, cancellationToken) is not null)
            throw new ConflictException($"A client with id '{clientId}' already exists.", "clientId");
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await applications.CreateAsync(Descriptor(clientId, secret, displayName, role, bootstrap: false), cancellationToken);
        return new CreatedClient(clientId, secret, role, displayName);
    }

    /// <summary>Creates or updates a client from configuration (the admin client of BACKUPPORTAL_CLIENT_ID).</summary>
    public async Task EnsureAsync(string clientId, string secret, string displayName, string role, CancellationToken cancellationToken)
    {
        var descriptor = Descriptor(clientId, secret, displayName, role, bootstrap: true);
        var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (existing is null) await applications.CreateAsync(descriptor, cancellationToken);
        else await applications.UpdateAsync(existing, descriptor, cancellationToken);
    }

    public async Task DeleteAsync(string clientId, CancellationToken cancellationToken)
    {
        var app = clientId == PortalClientId ? null : await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (app is null) throw new NotFoundException("Client", clientId);
        await applications.DeleteAsync(app, cancellationToken);
    }

    public async Task<string?> RoleOfClientAsync(string clientId, CancellationToken cancellationToken)
    {
        var app = await applications.FindByClientIdAsync(clientId, cancellationToken);
        return app is null ? null : RoleOf(await applications.GetPropertiesAsync(app, cancellationToken));
    }

    private static string RoleOf(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(RoleProperty, out var value) ? value.GetString() ?? Domain.Identity.Roles.Viewer : Domain.Identity.Roles.Viewer;

    private static OpenIddictApplicationDescriptor Descriptor(string clientId, string secret, string? displayName, string role, bool bootstrap)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        descriptor.Properties[RoleProperty] = JsonSerializer.SerializeToElement(role);
        if (bootstrap) descriptor.Properties[BootstrapProperty] = JsonSerializer.SerializeToElement(true);
        return descriptor;
    }
}
