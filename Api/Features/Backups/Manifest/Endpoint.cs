using BackupPortal.Infrastructure.Backups;
using FastEndpoints;

namespace BackupPortal.Api.Features.Backups.Manifest;

public sealed class Endpoint(BackupService backups) : Endpoint<IdRequest>
{
    public override void Configure()
    {
        Get("backups/{id:guid}/manifest");
        Roles(Role.All);
        Description(b => b.Produces(200, typeof(object), "application/json").Produces(404).Produces(409));
        Summary(s => s.Summary = "The unencrypted manifest stored beside the artifact: what a fresh install re-indexes the storage from.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.StringAsync(await backups.ManifestAsync(req.Id, ct), contentType: "application/json", cancellation: ct);
}
