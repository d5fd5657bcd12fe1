using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.Get;

public sealed class Endpoint(SourceService sources, Infrastructure.Drills.DrillService drills) : Endpoint<IdRequest, SourceResponse>
{
    public override void Configure()
    {
        Get("sources/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(await SourceResponse.LoadAsync(await sources.GetAsync(req.Id, ct), drills, ct), ct);
}
