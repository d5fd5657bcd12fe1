using BackupPortal.Infrastructure.Sources;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.List;

public sealed class Endpoint(SourceService sources) : EndpointWithoutRequest<List<SourceResponse>>
{
    public override void Configure()
    {
        Get("sources");
        Roles(Role.All);
        Summary(s => s.Summary = "Lists the databases BackupPortal protects.");
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync([.. (await sources.ListAsync(ct)).Select(SourceResponse.From)], ct);
}
