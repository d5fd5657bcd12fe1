using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Pitr;
using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.Test;

public sealed class Endpoint(SourceService sources, SourceConnector connector, PitrService pitr, PgToolbox tools) : Endpoint<IdRequest, ConnectionTestResult>
{
    public override void Configure()
    {
        Post("sources/{id:guid}/test");
        Roles(Role.Operators);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Connects to the source: server version, database size, whether the local pg_dump can back it up, and whether point-in-time recovery can be enabled (and if not, what to change).");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        var source = await sources.GetAsync(req.Id, ct);
        var result = await connector.TestAsync(source, ct);
        if (result.Ok)
            result = result with { Pitr = await pitr.ReadinessAsync(source, ct), PitrServerCompatible = tools.ServerMajorVersion == result.ServerMajorVersion };
        await Send.OkAsync(result, ct);
    }
}
