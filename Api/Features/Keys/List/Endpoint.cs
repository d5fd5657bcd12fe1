using BackupPortal.Infrastructure.Crypto;
using FastEndpoints;

namespace BackupPortal.Api.Features.Keys.List;

public sealed class Endpoint(KeyService keys) : EndpointWithoutRequest<List<KeyInfo>>
{
    public override void Configure()
    {
        Get("keys");
        Roles(Role.Admin);
        Summary(s => s.Summary = "Master key ids (never the keys), which is current, and how many artifacts each wraps.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(await keys.ListAsync(ct), ct);
}
