using BackupPortal.Infrastructure.Identity;
using FastEndpoints;

namespace BackupPortal.Api.Features.Clients.Delete;

public sealed class Request
{
    public string ClientId { get; set; } = "";
}

public sealed class Endpoint(ClientService clients) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("clients/{clientId}");
        Roles(Role.Admin);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Revokes a script client: it can no longer obtain tokens.");
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await clients.DeleteAsync(req.ClientId, ct);
        await Send.NoContentAsync(ct);
    }
}
