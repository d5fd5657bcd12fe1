using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.Update;

public sealed class Request : SourceRequest
{
    public Guid Id { get; set; }

    public sealed class Validator : SourceRequestValidator<Request>;
}

public sealed class Endpoint(SourceService sources, Infrastructure.Drills.DrillService drills) : Endpoint<Request, SourceResponse>
{
    public override void Configure()
    {
        Put("sources/{id:guid}");
        Roles(Role.Operators);
        Description(b => b.Produces(400).Produces(404).Produces(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(await SourceResponse.LoadAsync(await sources.UpdateAsync(req.Id, req.ToInput(), ct), drills, ct), ct);
}
