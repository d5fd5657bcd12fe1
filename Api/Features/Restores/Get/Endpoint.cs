using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Restores;
using FastEndpoints;

namespace BackupPortal.Api.Features.Restores.Get;

public sealed class Endpoint(RestoreService restores, SecretProtector secrets) : Endpoint<IdRequest, RestoreResponse>
{
    public override void Configure()
    {
        Get("restores/{id:guid}");
        Roles(Role.All);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "One restore with its progress, row-count verification and timings; for a kept instance its connection details (the password for admins only).");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(RestoreResponse.From(await restores.GetAsync(req.Id, ct), User.IsInRole(Role.Admin) ? secrets : null), ct);
}
