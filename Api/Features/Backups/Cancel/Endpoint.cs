using BackupPortal.Api.Auth;
using BackupPortal.Infrastructure.Backups;
using FastEndpoints;

namespace BackupPortal.Api.Features.Backups.Cancel;

public sealed class Endpoint(BackupService backups) : Endpoint<IdRequest, BackupResponse>
{
    public override void Configure()
    {
        Post("backups/{id:guid}/cancel");
        Roles(Role.Operators);
        Description(b => b.Produces(404).Produces(409));
        Summary(s => s.Summary = "Cancels a backup: a queued one at once; a running one stops its pg_dump within seconds and leaves no artifact.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.ResponseAsync(BackupResponse.From(await backups.CancelAsync(req.Id, User.Actor(), ct)), 202, ct);
}
