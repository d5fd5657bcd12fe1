using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.Delete;

public sealed class Endpoint(SourceService sources) : Endpoint<IdRequest>
{
    public override void Configure()
    {
        Delete("sources/{id:guid}");
        Roles(Role.Operators);
        Description(b => b.Produces(404).Produces(409));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        await sources.DeleteAsync(req.Id, ct);
        await Send.NoContentAsync(ct);
    }
}
