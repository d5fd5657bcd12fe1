using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Common;
using BackupPortal.Domain.Pitr;
using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>What a source's server allows for continuous archiving, and exactly what to change when it does not.</summary>
public sealed record PitrReadiness(
    bool Ready, string? WalLevel, bool? ReplicationRole, bool? ReplicationConnection, int? MaxWalSenders, bool SlotExists,
    long? SlotRetainedBytes, List<string> Problems);

/// <summary>Turns continuous archiving on and off for a source: its replication slot, and the flag the receivers follow.</summary>
public sealed class PitrService(
    CatalogDbContext db, SourceConnector connector, WalArchive archive, Schedules.ScheduleService schedules, Backups.BackupService backups,
    ILogger<PitrService> logger)
{
    public async Task<PitrReadiness> ReadinessAsync(Source source, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        string? walLevel = null;
        bool? role = null;
        int? senders = null;
        var slotExists = false;
        long? retained = null;
        try
        {
            await using var connection = await connector.For(source).OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("""
                select current_setting('wal_level'), (select rolreplication or rolsuper from pg_roles where rolname = current_user),
                       current_setting('max_wal_senders')::int,
                       (select pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint from pg_replication_slots where slot_name = @slot),
                       exists(select 1 from pg_replication_slots where slot_name = @slot)
                """, connection);
            command.Parameters.AddWithValue("slot", source.SlotName);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            (walLevel, role, senders) = (reader.GetString(0), reader.GetBoolean(1), reader.GetInt32(2));
            retained = reader.IsDBNull(3) ? null : reader.GetInt64(3);
            slotExists = reader.GetBoolean(4);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new PitrReadiness(false, null, null, null, null, false, null, [$"The source cannot be reached: {e.Message}"]);
        }
        if (walLevel is not ("replica" or "logical"))
            problems.Add($"wal_level is '{walLevel}': set wal_level = replica in postgresql.conf (or ALTER SYSTEM SET wal_level = replica) and restart the server.");
        if (senders < 2)
            problems.Add($"max_wal_senders is {senders}: set it to at least 2 (one for WAL streaming, one for base backups) and restart the server.");
        if (role == false)
            problems.Add($"Role '{source.Username}' may not replicate: run ALTER ROLE \"{source.Username}\" REPLICATION; as a superuser.");
        var replication = await TryReplicationConnectionAsync(source, cancellationToken);
        if (replication is not null)
            problems.Add($"A replication connection was refused ({replication}): add 'host replication {source.Username} <BackupPortal's address>/32 scram-sha-256' to pg_hba.conf and reload the server.");
        return new PitrReadiness(problems.Count == 0, walLevel, role, replication is null, senders, slotExists, retained, problems);
    }

    public async Task<Source> EnableAsync(Guid id, CancellationToken cancellationToken)
    {
        var source = await db.Sources.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Source", id);
        var readiness = await ReadinessAsync(source, cancellationToken);
        if (!readiness.Ready)
            throw new DomainException($"Source '{source.Name}' does not allow continuous archiving yet: {string.Join(" ", readiness.Problems)}", "id", 422)
            { Extensions = new Dictionary<string, object?> { ["problems"] = readiness.Problems } };
        if (!readiness.SlotExists)
        {
            await using var connection = await connector.For(source).OpenAsync(cancellationToken);
            // Reserving WAL at once: from this moment nothing the archive needs can be recycled.
            await using var create = new NpgsqlCommand("select pg_create_physical_replication_slot(@slot, true)", connection);
            create.Parameters.AddWithValue("slot", source.SlotName);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        source.PointInTimeRecovery = true;
        source.WalReceiverError = null;
        source.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        // The window opens with the first base backup: one is queued now, and a daily one is scheduled.
        await schedules.AddBaseDefaultAsync(source.Id, cancellationToken);
        if (!await db.BackupJobs.AnyAsync(j => j.SourceId == source.Id && j.BackupType == BackupType.Base
                && (j.Status == JobStatus.Pending || j.Status == JobStatus.Running || j.Status == JobStatus.Completed), cancellationToken))
            await backups.QueueAsync(source.Id, BackupType.Base, null, "system", cancellationToken);
        logger.LogInformation("Point-in-time recovery enabled for source {Source} (slot {Slot})", source.Name, source.SlotName);
        return source;
    }

    /// <summary>Stops archiving and drops the slot, so the source never keeps WAL for a receiver that is gone.</summary>
    public async Task<Source> DisableAsync(Guid id, CancellationToken cancellationToken)
    {
        var source = await db.Sources.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Source", id);
        source.PointInTimeRecovery = false;
        source.UpdatedAt = DateTimeOffset.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            await DropSlotAsync(source, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new DomainException($"Archiving is off, but slot {source.SlotName} could not be dropped ({e.Message}); it keeps WAL on the source "
                + $"until you drop it: SELECT pg_drop_replication_slot('{source.SlotName}');", "id", 503);
        }
        logger.LogInformation("Point-in-time recovery disabled for source {Source}; slot {Slot} dropped", source.Name, source.SlotName);
        return source;
    }

    private async Task DropSlotAsync(Source source, CancellationToken cancellationToken)
    {
        await using var connection = await connector.For(source).OpenAsync(cancellationToken);
        // The receiver notices within a second; ending its walsender makes the slot free to drop at once.
        for (var attempt = 0; ; attempt++)
        {
            await using var drop = new NpgsqlCommand("""
                select pg_terminate_backend(active_pid) from pg_replication_slots where slot_name = @slot and active;
                select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = @slot;
                """, connection);
            drop.Parameters.AddWithValue("slot", source.SlotName);
            try
            {
                await drop.ExecuteNonQueryAsync(cancellationToken);
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    public async Task<RecoveryWindow> WindowAsync(Guid id, CancellationToken cancellationToken)
    {
        var source = await db.Sources.FindAsync([id], cancellationToken) ?? throw new NotFoundException("Source", id);
        return await archive.WindowAsync(source, cancellationToken);
    }

    /// <summary>Null when the server accepts a physical replication connection from this login; otherwise why not.</summary>
    private async Task<string?> TryReplicationConnectionAsync(Source source, CancellationToken cancellationToken)
    {
        try
        {
            await using var replication = new PhysicalReplicationConnection(connector.For(source).ConnectionString(pooling: false));
            await replication.Open(cancellationToken);
            await replication.IdentifySystem(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return e.Message;
        }
    }
}
