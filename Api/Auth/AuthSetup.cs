using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using BackupPortal.Infrastructure.Catalog;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.IdentityModel.Tokens;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Auth;

public static class AuthSetup
{
    /// <summary>The Api's own sign-in session, used only by the login page and the authorization endpoint.</summary>
    public const string LoginScheme = "BackupPortal.Login";

    public const string ApiScope = "api";

    /// <summary>
    /// OpenIddict issues tokens: client credentials for scripts; authorization code with PKCE and refresh tokens for
    /// the portal. Token keys are derived from the master key, so tokens survive a restart without another secret.
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
                o.SetTokenEndpointUris("connect/token")
                    .SetAuthorizationEndpointUris("connect/authorize")
                    .SetEndSessionEndpointUris("connect/logout");
                o.AllowClientCredentialsFlow().AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange().AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, ApiScope);
                o.SetAccessTokenLifetime(builder.Configuration.GetValue("Tokens:AccessTokenLifetime", TimeSpan.FromHours(1)));
                o.SetRefreshTokenLifetime(TimeSpan.FromDays(14));
                o.AddEncryptionKey(DerivedKey(masterKey, "token encryption"));
                o.AddSigningKey(DerivedSigningKey(masterKey));
                o.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
            });
        builder.Services.AddAuthentication(StaticKeys.Selector)
            .AddStaticKeys()
            .AddCookie(LoginScheme, o =>
            {
                o.LoginPath = "/account/login";
                o.Cookie.Name = "bp.login";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            });
        builder.Services.AddAuthorization();
        builder.Services.AddHostedService<ClientRegistrar>();
    }

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
