using BackupPortal.Infrastructure.Restores;
using FastEndpoints;

namespace BackupPortal.Api.Features.Restores.Get;

public sealed class Endpoint(RestoreService restores) : Endpoint<IdRequest, RestoreResponse>
{
    public override void Configure()
    {
        Get("restores/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(RestoreResponse.From(await restores.GetAsync(req.Id, ct)), ct);
}
