using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.List;

public sealed class Endpoint(SourceService sources, Infrastructure.Drills.DrillService drills) : EndpointWithoutRequest<List<SourceResponse>>
{
    public override void Configure()
    {
        Get("sources");
        Roles(Role.All);
        Summary(s => s.Summary = "Lists the databases BackupPortal protects.");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var proven = await drills.ProvenAsync(ct);
        await Send.OkAsync([.. (await sources.ListAsync(ct)).Select(s => SourceResponse.From(s, proven.GetValueOrDefault(s.Id)))], ct);
    }
}
