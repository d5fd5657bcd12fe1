using BackupPortal.Domain.Pitr;
using BackupPortal.Infrastructure.Pitr;
using FastEndpoints;

namespace BackupPortal.Api.Features.Sources.Pitr;

public sealed class Enable(PitrService pitr, Infrastructure.Drills.DrillService drills) : Endpoint<IdRequest, SourceResponse>
{
    public override void Configure()
    {
        Post("sources/{id:guid}/pitr/enable");
        Roles(Role.Operators);
        Description(b => b.Produces(404).Produces(422));
        Summary(s => s.Summary = "Turns on continuous WAL archiving: creates the replication slot backupportal_<id> and starts streaming WAL into the archive. 422 says what the server must change first.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(await SourceResponse.LoadAsync(await pitr.EnableAsync(req.Id, ct), drills, ct), ct);
}

public sealed class Disable(PitrService pitr, Infrastructure.Drills.DrillService drills) : Endpoint<IdRequest, SourceResponse>
{
    public override void Configure()
    {
        Post("sources/{id:guid}/pitr/disable");
        Roles(Role.Operators);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "Turns off continuous WAL archiving and drops the replication slot, so the source keeps no WAL for us. The archive already taken stays.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(await SourceResponse.LoadAsync(await pitr.DisableAsync(req.Id, ct), drills, ct), ct);
}

public sealed class Window(PitrService pitr) : Endpoint<IdRequest, RecoveryWindow>
{
    public override void Configure()
    {
        Get("sources/{id:guid}/recovery-window");
        Roles(Role.All);
        Description(b => b.Produces(404));
        Summary(s => s.Summary = "The span the source can be restored to: from the oldest base backup's consistent point to the newest WAL received, with any gaps in the archive.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct) =>
        await Send.OkAsync(await pitr.WindowAsync(req.Id, ct), ct);
}
