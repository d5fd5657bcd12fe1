using System.Security.Claims;
using BackupPortal.Api.Auth;
using FastEndpoints;
using Oidc = OpenIddict.Abstractions.OpenIddictConstants;

namespace BackupPortal.Api.Features.Me;

public sealed record Response(string Name, string Role, string Subject);

public sealed class Endpoint : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("me");
        Roles(Role.All);
        Summary(s => s.Summary = "Who the token belongs to and its role.");
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync(new Response(User.Actor(), User.FindFirstValue(Oidc.Claims.Role) ?? "", User.FindFirstValue(Oidc.Claims.Subject) ?? ""), ct);
}
