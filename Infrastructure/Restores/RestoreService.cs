using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Restores;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Pitr;
using BackupPortal.Infrastructure.Sources;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BackupPortal.Infrastructure.Restores;

public sealed record RestoreRequest(
    Guid? BackupId, RestoreType RestoreType, IReadOnlyList<string> Tables, string? TargetDatabase, Guid? TargetSourceId,
    bool Overwrite, string? Confirm, bool Force, bool NoOwner, string Reason,
    Guid? SourceId = null, DateTimeOffset? TargetTime = null, bool KeepInstance = false);

/// <summary>Checks a restore request against the catalog and the target server, then queues it.</summary>
public sealed class RestoreService(
    CatalogDbContext db, SourceConnector connector, JobSignal signal, WalArchive archive, PgToolbox tools, PointInTimeRecovery pitr)
{
    public async Task<RestoreOperation> QueueAsync(RestoreRequest request, string requestedBy, CancellationToken cancellationToken)
    {
        var operation = await PrepareAsync(request, requestedBy, cancellationToken);
        db.RestoreOperations.Add(operation);
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return operation;
    }

    /// <summary>A checked restore, not yet saved: queued by <see cref="QueueAsync"/>, or run at once inside a drill.</summary>
    public async Task<RestoreOperation> PrepareAsync(RestoreRequest request, string requestedBy, CancellationToken cancellationToken)
    {
        if (request.RestoreType == RestoreType.PointInTime)
            return await PreparePointInTimeAsync(request, requestedBy, cancellationToken);
        var backup = await db.BackupJobs.FindAsync([request.BackupId], cancellationToken)
            ?? throw new DomainException($"No backup with id {request.BackupId}.", "backupId", 404);
        RestoreRules.EnsureRestorable(backup, request.Force);
        if (backup.BackupType is BackupType.Base or BackupType.Incremental)
            throw new DomainException($"Backup {backup.Id} is a physical ({backup.BackupType.ToString().ToLowerInvariant()}) backup: restore it with restoreType point_in_time and sourceId.", "restoreType");
        var tables = request.RestoreType == RestoreType.Partial ? ResolveTables(backup.Details!.Tables, request.Tables) : [];
        var (target, database) = await TargetAsync(request, backup.SourceId, backup.DatabaseName, "restored", cancellationToken);
        return Operation(request, backup.Id, target.Id, database, tables, requestedBy);
    }

    /// <summary>
    /// A point in time inside the source's recoverable window, reached from the newest base backup that ends before
    /// it, by a local postgres of the same major version; tables are checked against the base and the live database.
    /// </summary>
    private async Task<RestoreOperation> PreparePointInTimeAsync(RestoreRequest request, string requestedBy, CancellationToken cancellationToken)
    {
        var sourceId = request.SourceId ?? (request.BackupId is { } id ? (await db.BackupJobs.FindAsync([id], cancellationToken))?.SourceId : null)
            ?? throw new DomainException("A point-in-time restore needs sourceId: the source to recover.", "sourceId");
        var source = await db.Sources.FindAsync([sourceId], cancellationToken) ?? throw new DomainException($"No source with id {sourceId}.", "sourceId", 404);
        var window = await archive.WindowAsync(source, cancellationToken);
        if (window.Earliest is null)
            throw new DomainException($"Source '{source.Name}' has no base backup yet: take one (backupType base) before restoring to a point in time.", "sourceId", 422);
        var extensions = new Dictionary<string, object?> { ["window"] = window };
        if (request.TargetTime is { } time && !window.Contains(time))
            throw new DomainException($"{time:O} is outside the recoverable window of '{source.Name}': {window.Earliest:O} to {window.Latest:O}.", "targetTime", 422)
            { Extensions = extensions };

        var bases = (await archive.BasesAsync(source.Id, cancellationToken))
            .Where(b => request.Force || b.VerificationStatus != VerificationStatus.Failed).ToList();
        var baseJob = bases.FirstOrDefault(b => request.TargetTime is not { } t || b.Details!.Wal!.ConsistentAt <= t)
            ?? throw new DomainException($"No usable base backup of '{source.Name}' ends before {request.TargetTime:O}.", "targetTime", 422) { Extensions = extensions };
        var gap = window.Gaps.FirstOrDefault(g => g.To > baseJob.Details!.Wal!.ConsistentAt && (request.TargetTime is not { } t || g.From < t));
        if (gap is not null)
            throw new DomainException($"The WAL archive has a gap between base backup {baseJob.Id} and the point asked for: {gap.Reason}", "targetTime", 422)
            { Extensions = extensions };

        var major = int.Parse(baseJob.Details!.ServerVersion.Split('.', ' ')[0]);
        if (tools.ServerMajorVersion != major)
            throw new DomainException(tools.ServerMajorVersion is null
                ? $"Replaying WAL needs the PostgreSQL {major} server binaries (postgres) in PG_BIN_DIR; only client tools are installed there."
                : $"The source runs PostgreSQL {major}, but the local server binaries are PostgreSQL {tools.ServerMajorVersion}: install PostgreSQL {major} and point PG_BIN_DIR at it.", "sourceId", 422);

        if (request.KeepInstance && (request.Tables.Count > 0 || request.TargetDatabase is not null || request.Overwrite))
            throw new DomainException("keepInstance leaves the recovered instance running for inspection; it does not take tables, targetDatabase or overwrite.", "keepInstance");
        var tables = request.Tables.Count == 0 ? [] : ResolveTables(await KnownTablesAsync(source, baseJob, cancellationToken), request.Tables);
        var (target, database) = request.KeepInstance ? (source, source.DatabaseName)
            : await TargetAsync(request, source.Id, source.DatabaseName, "pitr", cancellationToken);
        return Operation(request, baseJob.Id, target.Id, database, tables, requestedBy);
    }

    /// <summary>Tables at the base backup and in the live database now: a table dropped by mistake is still one to bring back.</summary>
    private async Task<List<ArchivedTable>> KnownTablesAsync(Domain.Sources.Source source, BackupJob baseJob, CancellationToken cancellationToken)
    {
        var known = new List<ArchivedTable>(baseJob.Details!.Tables);
        try
        {
            await using var connection = await connector.For(source).OpenAsync(cancellationToken);
            known.AddRange(await DatabaseAdmin.ListTablesAsync(connection, null, countRows: false, cancellationToken));
        }
        catch (NpgsqlException)
        {
            // The source may be down, which is often why it is being recovered; the base's tables still count.
        }
        return [.. known.DistinctBy(t => t.QualifiedName)];
    }

    /// <summary>The server and database a restore writes to: a new database unless overwrite is asked for and confirmed.</summary>
    private async Task<(Domain.Sources.Source Target, string Database)> TargetAsync(
        RestoreRequest request, Guid sourceId, string sourceDatabase, string suffix, CancellationToken cancellationToken)
    {
        var targetId = request.TargetSourceId ?? sourceId;
        var target = await db.Sources.FindAsync([targetId], cancellationToken)
            ?? throw new DomainException($"No source with id {targetId}.", "targetSourceId", 404);
        var database = request.TargetDatabase ?? $"{sourceDatabase[..Math.Min(sourceDatabase.Length, 40)]}_{suffix}_{DateTimeOffset.UtcNow:yyyyMMddHHmmss}";
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
        return (target, database);
    }

    private static RestoreOperation Operation(RestoreRequest request, Guid backupId, Guid targetId, string database, List<string> tables, string requestedBy) =>
        new()
        {
            BackupJobId = backupId,
            TargetSourceId = targetId,
            RestoreType = request.RestoreType,
            TargetTime = request.TargetTime,
            KeepInstance = request.KeepInstance,
            TargetDatabase = database,
            Tables = tables,
            Overwrite = request.Overwrite,
            Force = request.Force,
            NoOwner = request.NoOwner,
            RequestedBy = requestedBy,
            Reason = request.Reason,
        };

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

    /// <summary>Stops a recovered instance kept for inspection and deletes its files.</summary>
    public async Task<RestoreOperation> StopInstanceAsync(Guid id, CancellationToken cancellationToken)
    {
        var operation = await db.RestoreOperations.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Restore", id);
        if (operation.Instance is not { StoppedAt: null } instance)
            throw new ConflictException($"Restore {id} has no running instance.", "id");
        await pitr.DestroyAsync(instance);
        operation.Instance = instance with { StoppedAt = DateTimeOffset.UtcNow };
        await db.SaveChangesAsync(cancellationToken);
        return operation;
    }

    public Task<List<RestoreOperation>> ListAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        db.RestoreOperations.AsNoTracking().OrderByDescending(r => r.CreatedAt).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);

    /// <summary>Each name is <c>schema.table</c>, a schema (all its tables), or an unqualified table name that is unique in the archive.</summary>
    private static List<string> ResolveTables(List<ArchivedTable> available, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
            throw new DomainException("A partial restore needs at least one table or schema in tables.", "tables");
        var resolved = new List<string>();
        var unknown = new List<string>();
        foreach (var name in names)
        {
            var matches = available.Where(t => t.QualifiedName == name || t.Schema == name || (!name.Contains('.') && t.Name == name)).ToList();
            if (matches.Count == 0 || (matches.Select(m => m.Schema).Distinct().Count() > 1 && !available.Any(t => t.Schema == name)))
                unknown.Add(name);
            resolved.AddRange(matches.Select(m => m.QualifiedName));
        }
        if (unknown.Count > 0)
            throw new DomainException(
                $"Not in this backup's archive (or ambiguous without a schema): {string.Join(", ", unknown)}. It holds: {string.Join(", ", available.Select(t => t.QualifiedName))}.",
                "tables")
            { Extensions = new Dictionary<string, object?> { ["available"] = available.Select(t => t.QualifiedName).ToList(), ["unknown"] = unknown } };
        return [.. resolved.Distinct()];
    }
}
