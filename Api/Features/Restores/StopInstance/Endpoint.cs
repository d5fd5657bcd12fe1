using BackupPortal.Infrastructure.Restores;
using FastEndpoints;

namespace BackupPortal.Api.Features.Restores.StopInstance;

public sealed class Endpoint(RestoreService restores) : Endpoint<IdRequest, RestoreResponse>
{
    public override void Configure()
    {
        Delete("restores/{id:guid}/instance");
        Roles(Role.Admin);
        Description(b => b.Produces(404).Produces(409));
        Summary(s => s.Summary = "Stops the recovered instance a point-in-time restore kept running (keepInstance) and deletes its files.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(RestoreResponse.From(await restores.StopInstanceAsync(req.Id, ct)), ct);
}
