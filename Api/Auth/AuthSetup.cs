using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.AspNetCore;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Auth;

public static class AuthSetup
{
    public const string AdminRole = "admin";

    /// <summary>
    /// OpenIddict issues tokens at <c>/connect/token</c> (client credentials) and validates them locally. Token keys
    /// are derived from the master key, so tokens survive a restart without another secret to manage.
    /// </summary>
    public static void AddAuth(this IHostApplicationBuilder builder)
    {
        var masterKey = builder.Configuration["BACKUP_ENCRYPTION_KEY"];
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<CatalogDbContext>())
            .AddServer(o =>
            {
                // A fixed issuer, so a token stays valid whichever host name the client used to fetch it.
                o.SetIssuer(new Uri(builder.Configuration["BACKUPPORTAL_ISSUER"] ?? "urn:backupportal"));
                o.SetTokenEndpointUris("connect/token");
                o.AllowClientCredentialsFlow();
                o.SetAccessTokenLifetime(TimeSpan.FromHours(1));
                o.AddEncryptionKey(DerivedKey(masterKey, "token encryption"));
                o.AddSigningKey(DerivedSigningKey(masterKey));
                o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
            });
        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddAuthorization();
        builder.Services.AddHostedService<ClientRegistrar>();
    }

    /// <summary>The token endpoint: OpenIddict has authenticated the client; we say who it is and what role it has.</summary>
    public static void MapTokenEndpoint(this WebApplication app) => app.MapPost("/connect/token", async (HttpContext http, IOpenIddictApplicationManager applications) =>
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        var properties = await applications.GetPropertiesAsync(application);
        var role = properties.TryGetValue(ClientRegistrar.RoleProperty, out var value) ? value.GetString() ?? "viewer" : "viewer";

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetClaim(Claims.Name, request.ClientId);
        identity.SetClaims(Claims.Role, [role]);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }).AllowAnonymous().ExcludeFromDescription();

    /// <summary>Who is asking, for the audit columns; a request without an identity never reaches a handler.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.FindFirstValue(Claims.Name) ?? user.FindFirstValue(Claims.Subject)
        ?? throw new InvalidOperationException("The request carries no identity.");

    private static SymmetricSecurityKey DerivedKey(string? masterKey, string purpose) =>
        new(Derive(masterKey, purpose)) { KeyId = purpose.Replace(' ', '-') };

    /// <summary>OpenIddict signs with an asymmetric key: a P-256 key whose private scalar is derived from the master key.</summary>
    private static ECDsaSecurityKey DerivedSigningKey(string? masterKey)
    {
        var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = Derive(masterKey, "token signing") });
        return new ECDsaSecurityKey(ecdsa) { KeyId = "token-signing" };
    }

    private static byte[] Derive(string? masterKey, string purpose)
    {
        // An invalid key is reported by the options validation at startup; this only has to not crash first.
        var ikm = masterKey is not null && Convert.TryFromBase64String(masterKey, new byte[32], out var n) && n == 32
            ? Convert.FromBase64String(masterKey) : RandomNumberGenerator.GetBytes(32);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, info: Encoding.UTF8.GetBytes("BackupPortal " + purpose));
    }
}
