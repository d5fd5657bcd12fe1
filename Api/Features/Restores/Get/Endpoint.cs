using BackupPortal.Infrastructure.Restores;
using FastEndpoints;

namespace BackupPortal.Api.Features.Restores.Get;

public sealed class Request
{
    public Guid Id { get; set; }
}

public sealed class Endpoint(RestoreService restores) : Endpoint<Request, RestoreResponse>
{
    public override void Configure()
    {
        Get("restores/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(RestoreResponse.From(await restores.GetAsync(req.Id, ct)), ct);
}
