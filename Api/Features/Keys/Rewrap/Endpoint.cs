using BackupPortal.Infrastructure.Crypto;
using FastEndpoints;

namespace BackupPortal.Api.Features.Keys.Rewrap;

public sealed class Endpoint(KeyService keys) : EndpointWithoutRequest<RewrapResult>
{
    public override void Configure()
    {
        Post("keys/rewrap");
        Roles(Role.Admin);
        Summary(s => s.Summary = "Moves old artifacts' data keys and stored secrets to the current master key, without re-encrypting data.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(await keys.RewrapAsync(ct), ct);
}
