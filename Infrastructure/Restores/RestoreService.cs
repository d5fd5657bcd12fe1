using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Restores;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Sources;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Restores;

public sealed record RestoreRequest(
    Guid BackupId, RestoreType RestoreType, IReadOnlyList<string> Tables, string? TargetDatabase, Guid? TargetSourceId,
    bool Overwrite, string? Confirm, bool Force, bool NoOwner, string Reason);

/// <summary>Checks a restore request against the catalog and the target server, then queues it.</summary>
public sealed class RestoreService(CatalogDbContext db, SourceConnector connector, JobSignal signal)
{
    public async Task<RestoreOperation> QueueAsync(RestoreRequest request, string requestedBy, CancellationToken cancellationToken)
    {
        if (request.RestoreType == RestoreType.PointInTime)
            throw new DomainException("Point-in-time recovery is not available yet; use full or partial.", "restoreType");
        var backup = await db.BackupJobs.FindAsync([request.BackupId], cancellationToken)
            ?? throw new DomainException($"No backup with id {request.BackupId}.", "backupId", 404);
        RestoreRules.EnsureRestorable(backup, request.Force);
        var targetId = request.TargetSourceId ?? backup.SourceId;
        var target = await db.Sources.FindAsync([targetId], cancellationToken)
            ?? throw new DomainException($"No source with id {targetId}.", "targetSourceId", 404);

        var tables = request.RestoreType == RestoreType.Partial ? ResolveTables(backup.Details!, request.Tables) : [];
        var database = request.TargetDatabase ?? $"{backup.DatabaseName[..Math.Min(backup.DatabaseName.Length, 40)]}_restored_{DateTimeOffset.UtcNow:yyyyMMddHHmmss}";
        if (!PgIdentifier.IsValid(database))
            throw new DomainException($"'{database}' is not a valid database name: use letters, digits and underscores, starting with a letter or underscore, at most 63 characters.", "targetDatabase");

        bool exists;
        try
        {
            exists = await DatabaseAdmin.DatabaseExistsAsync(connector.For(target), database, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            throw new DomainException($"The target server of source '{target.Name}' cannot be reached: {e.Message}", "targetSourceId", 503);
        }
        if (exists && !request.Overwrite)
            throw new ConflictException($"Database '{database}' already exists. To replace it, send overwrite: true and confirm: \"{database}\"; a safety backup is taken first.", "overwrite");
        if (exists && request.Confirm != database)
            throw new DomainException($"Overwriting '{database}' is irreversible: confirm must equal the database name.", "confirm");

        var operation = new RestoreOperation
        {
            BackupJobId = backup.Id,
            TargetSourceId = target.Id,
            RestoreType = request.RestoreType,
            TargetDatabase = database,
            Tables = tables,
            Overwrite = request.Overwrite,
            Force = request.Force,
            NoOwner = request.NoOwner,
            RequestedBy = requestedBy,
            Reason = request.Reason,
        };
        db.RestoreOperations.Add(operation);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return operation;
    }

    /// <summary>A queued restore is cancelled at once; a running one is stopped by its worker, which rolls back what it had begun.</summary>
    public async Task<RestoreOperation> CancelAsync(Guid id, string requestedBy, CancellationToken cancellationToken)
    {
        var reason = $"Cancelled by {requestedBy} before it started.";
        if (await db.RestoreOperations.Where(r => r.Id == id && r.Status == RestoreStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RestoreStatus.Cancelled).SetProperty(r => r.ErrorMessage, reason)
                    .SetProperty(r => r.CompletedAt, DateTimeOffset.UtcNow), cancellationToken) == 0
            && await db.RestoreOperations.Where(r => r.Id == id && r.Status == RestoreStatus.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.CancelRequestedAt, DateTimeOffset.UtcNow).SetProperty(r => r.CancelRequestedBy, requestedBy), cancellationToken) == 0)
        {
            var operation = await GetAsync(id, cancellationToken);
            throw new ConflictException($"Restore {id} is '{operation.Status.ToString().ToLowerInvariant()}'; only pending or running restores can be cancelled.", "id");
        }
        return await GetAsync(id, cancellationToken);
    }

    public async Task<RestoreOperation> GetAsync(Guid id, CancellationToken cancellationToken) =>
        await db.RestoreOperations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException("Restore", id);

    public Task<List<RestoreOperation>> ListAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        db.RestoreOperations.AsNoTracking().OrderByDescending(r => r.CreatedAt).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);

    /// <summary>Each name is <c>schema.table</c>, a schema (all its tables), or an unqualified table name that is unique in the archive.</summary>
    private static List<string> ResolveTables(BackupDetails details, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
            throw new DomainException("A partial restore needs at least one table or schema in tables.", "tables");
        var resolved = new List<string>();
        var unknown = new List<string>();
        foreach (var name in names)
        {
            var matches = details.Tables.Where(t => t.QualifiedName == name || t.Schema == name || (!name.Contains('.') && t.Name == name)).ToList();
            if (matches.Count == 0 || (matches.Select(m => m.Schema).Distinct().Count() > 1 && !details.Tables.Any(t => t.Schema == name)))
                unknown.Add(name);
            resolved.AddRange(matches.Select(m => m.QualifiedName));
        }
        if (unknown.Count > 0)
            throw new DomainException(
                $"Not in this backup's archive (or ambiguous without a schema): {string.Join(", ", unknown)}. It holds: {string.Join(", ", details.Tables.Select(t => t.QualifiedName))}.",
                "tables")
            { Extensions = new Dictionary<string, object?> { ["available"] = details.Tables.Select(t => t.QualifiedName).ToList(), ["unknown"] = unknown } };
        return [.. resolved.Distinct()];
    }
}
