using BackupPortal.Api.Auth;
using BackupPortal.Infrastructure.Restores;
using FastEndpoints;

namespace BackupPortal.Api.Features.Restores.Cancel;

public sealed class Endpoint(RestoreService restores) : Endpoint<IdRequest, RestoreResponse>
{
    public override void Configure()
    {
        Post("restores/{id:guid}/cancel");
        Roles(Role.Admin);
        Description(b => b.Produces(404).Produces(409));
        Summary(s => s.Summary = "Cancels a restore: a queued one at once; a running one is stopped and what it had begun is rolled back or dropped.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(RestoreResponse.From(await restores.CancelAsync(req.Id, User.Actor(), ct)), 202, ct);
}
