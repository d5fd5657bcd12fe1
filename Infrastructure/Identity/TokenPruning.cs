using Coravel.Invocable;
using OpenIddict.Abstractions;

namespace BackupPortal.Infrastructure.Identity;

/// <summary>Removes expired and revoked tokens and authorizations; Coravel runs it hourly.</summary>
public sealed class TokenPruning(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations) : IInvocable
{
    public async Task Invoke()
    {
        var threshold = DateTimeOffset.UtcNow.AddDays(-1);
        await tokens.PruneAsync(threshold);
        await authorizations.PruneAsync(threshold);
    }
}
