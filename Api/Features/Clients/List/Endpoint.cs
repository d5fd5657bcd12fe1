using BackupPortal.Infrastructure.Identity;
using FastEndpoints;

namespace BackupPortal.Api.Features.Clients.List;

public sealed class Endpoint(ClientService clients) : EndpointWithoutRequest<List<ClientInfo>>
{
    public override void Configure()
    {
        Get("clients");
        Roles(Role.Admin);
        Summary(s => s.Summary = "Script clients (client credentials). Secrets are never shown again.");
    }

    public override async Task HandleAsync(CancellationToken ct) => await Send.OkAsync(await clients.ListAsync(ct), ct);
}
