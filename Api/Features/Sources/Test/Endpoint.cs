using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.Test;

public sealed class Endpoint(SourceService sources, SourceConnector connector) : Endpoint<IdRequest, ConnectionTestResult>
{
    public override void Configure()
    {
        Post("sources/{id:guid}/test");
        Roles(Role.Operators);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Connects to the source: server version, database size, and whether the local pg_dump can back it up.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(await connector.TestAsync(await sources.GetAsync(req.Id, ct), ct), ct);
}
