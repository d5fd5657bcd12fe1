using BackupPortal.Domain.Common;
using BackupPortal.Infrastructure.Backups;
using FastEndpoints;

namespace BackupPortal.Api.Features.Backups.Contents;

public sealed record TableEntry(string Schema, string Name, string QualifiedName, long RowCount);

public sealed record Response(Guid BackupId, List<string> Schemas, List<TableEntry> Tables);

public sealed class Endpoint(BackupService backups) : Endpoint<IdRequest, Response>
{
    public override void Configure()
    {
        Get("backups/{id:guid}/contents");
        Roles(Role.All);
        Description(b => b.Produces(404).Produces(409));
        Summary(s => s.Summary = "The schemas and tables in the backup's archive, for picking a partial restore.");
    }

    public override async Task HandleAsync(IdRequest req, CancellationToken ct)
    {
        var job = await backups.GetAsync(req.Id, ct);
        var details = job.Details ?? throw new ConflictException($"Backup {req.Id} has no archive yet (status '{Enums.Name(job.Status)}').");
        await Send.OkAsync(new Response(job.Id, details.Schemas,
            [.. details.Tables.Select(t => new TableEntry(t.Schema, t.Name, t.QualifiedName, t.RowCount))]), ct);
    }
}
