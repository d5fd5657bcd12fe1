using BackupPortal.Infrastructure.Backups;
using FastEndpoints;

namespace BackupPortal.Api.Features.Backups.Verify;

public sealed class Endpoint(BackupService backups) : Endpoint<IdRequest, BackupResponse>
{
    public override void Configure()
    {
        Post("backups/{id:guid}/verify");
        Roles(Role.Operators);
        Description(b => b.Produces(404).Produces(409));
        Summary(s => s.Summary = "Queues a verification: checksum, decryption, archive contents, schema and a real restore with row counts.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(BackupResponse.From(await backups.RequestVerificationAsync(req.Id, ct)), 202, ct);
}
