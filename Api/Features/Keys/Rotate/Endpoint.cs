using BackupPortal.Infrastructure.Crypto;
using FastEndpoints;

namespace BackupPortal.Api.Features.Keys.Rotate;

public sealed class Endpoint(KeyService keys) : EndpointWithoutRequest<KeyInfo>
{
    public override void Configure()
    {
        Post("keys/rotate");
        Roles(Role.Admin);
        Summary(s => s.Summary = "Introduces a new master key: new artifacts and secrets use it, old ones stay readable.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(await keys.RotateAsync(ct), ct);
}
