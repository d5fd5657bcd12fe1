using BackupPortal.Domain.Sources;
using BackupPortal.Infrastructure.Catalog;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BackupPortal.Infrastructure.Pitr;

/// <summary>
/// Runs one supervised <c>pg_receivewal --slot --synchronous</c> per point-in-time source, restarted with backoff when
/// it dies and resuming from the slot. Every second, completed segments in the spool are archived and removed; the
/// partial segment stays on local disk, where a restore to "latest" picks it up. A catalog advisory lock per source
/// makes sure only one instance streams a slot.
/// </summary>
public sealed class WalReceivers(
    IServiceScopeFactory scopes, NpgsqlDataSource catalog, PgToolbox tools, IOptions<PitrOptions> options, SpoolDirectory spool,
    ILogger<WalReceivers> logger) : BackgroundService
{
    private readonly Dictionary<Guid, Receiver> _receivers = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "WAL archiving hit an unexpected error; it carries on");
                }
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var receiver in _receivers.Values) await receiver.DisposeAsync();
            _receivers.Clear();
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var sources = await db.Sources.Where(s => s.PointInTimeRecovery && s.Enabled).ToListAsync(cancellationToken);
        foreach (var gone in _receivers.Keys.Except(sources.Select(s => s.Id)).ToList())
        {
            await _receivers[gone].DisposeAsync();
            _receivers.Remove(gone);
        }
        var archive = scope.ServiceProvider.GetRequiredService<WalArchive>();
        var connector = scope.ServiceProvider.GetRequiredService<SourceConnector>();
        foreach (var source in sources)
        {
            if (!_receivers.TryGetValue(source.Id, out var receiver))
            {
                if (await TryLockAsync(source.Id, cancellationToken) is not { } held) continue;
                _receivers[source.Id] = receiver = new Receiver(held);
            }
            try
            {
                await SuperviseAsync(source, receiver, connector, cancellationToken);
                await ArchiveCompletedAsync(source, archive, cancellationToken);
            }
            catch (Exception e) when (e is IOException or NpgsqlException or PgToolException or UnauthorizedAccessException)
            {
                // One source's trouble (storage full, a file it cannot read) must not hold up the others; it is retried next second.
                logger.LogError("Archiving WAL of source {Source} failed: {Error}", source.Name, e.Message);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task SuperviseAsync(Source source, Receiver receiver, SourceConnector connector, CancellationToken cancellationToken)
    {
        if (receiver.Process is { HasExited: true } exited)
        {
            var code = await exited.WaitAsync(cancellationToken);
            source.WalReceiverError = $"pg_receivewal exited ({code}): {LastLines(exited.Errors)}";
            receiver.Backoff = receiver.Backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(receiver.Backoff.Ticks * 2, options.Value.ReceiverMaxBackoff.Ticks));
            receiver.RestartAt = DateTimeOffset.UtcNow + receiver.Backoff;
            logger.LogWarning("WAL receiver of source {Source} stopped: {Error}; restarting in {Seconds} s", source.Name, source.WalReceiverError, receiver.Backoff.TotalSeconds);
            await exited.DisposeAsync();
            receiver.Process = null;
        }
        if (receiver.Process is null && DateTimeOffset.UtcNow >= receiver.RestartAt)
        {
            var directory = spool.For(source.Id);
            Directory.CreateDirectory(directory);
            receiver.Process = PgProcess.Start(tools.PgReceivewal,
                ["--directory", directory, "--slot", source.SlotName, "--synchronous", "--no-loop", "--no-password", "--status-interval=1", "--verbose"],
                connector.For(source), redirectStdin: false, redirectStdout: false);
            receiver.StartedAt = DateTimeOffset.UtcNow;
            logger.LogInformation("WAL receiver of source {Source} started on slot {Slot}", source.Name, source.SlotName);
        }
        if (receiver.Process is { HasExited: false })
        {
            source.WalReceiverSeenAt = DateTimeOffset.UtcNow;
            // A receiver that has stayed up a while has recovered: its error and backoff are history.
            if (DateTimeOffset.UtcNow - receiver.StartedAt > TimeSpan.FromSeconds(5)) (source.WalReceiverError, receiver.Backoff) = (null, TimeSpan.Zero);
        }
        if (receiver.Process is not null && DateTimeOffset.UtcNow >= receiver.NextSlotCheck)
        {
            receiver.NextSlotCheck = DateTimeOffset.UtcNow.AddMinutes(1);
            await WarnOnRetainedWalAsync(source, connector, cancellationToken);
        }
        if (spool.NewestWrite(source.Id) is { } written && written > (source.WalReceivedAt ?? DateTimeOffset.MinValue))
            source.WalReceivedAt = written;
    }

    private async Task ArchiveCompletedAsync(Source source, WalArchive archive, CancellationToken cancellationToken)
    {
        foreach (var file in spool.Completed(source.Id))
        {
            var segment = await archive.ArchiveAsync(source.Id, file, cancellationToken);
            File.Delete(file);
            if (await archive.FollowsGapAsync(segment, cancellationToken))
                logger.LogWarning("WAL gap in the archive of source {Source}: segments before {Segment} are missing; points after it need a new base backup",
                    source.Name, segment.FileName);
            logger.LogDebug("Archived WAL {File} of {Source} ({Bytes} bytes stored)", segment.FileName, source.Name, segment.FileSizeBytes);
        }
    }

    /// <summary>A slot that falls behind makes the source keep WAL on its own disk; say so before that disk fills.</summary>
    private async Task WarnOnRetainedWalAsync(Source source, SourceConnector connector, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connector.For(source).OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "select pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint from pg_replication_slots where slot_name = @slot", connection);
            command.Parameters.AddWithValue("slot", source.SlotName);
            if (await command.ExecuteScalarAsync(cancellationToken) is long retained && retained > options.Value.SlotRetainedWarningBytes)
                logger.LogWarning("Slot {Slot} of source {Source} holds back {Bytes} bytes of WAL on the source (limit {Limit})",
                    source.SlotName, source.Name, retained, options.Value.SlotRetainedWarningBytes);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The receiver's own error says the source is unreachable.
        }
    }

    /// <summary>A session-level advisory lock on a connection held for as long as this instance streams the source.</summary>
    private async Task<NpgsqlConnection?> TryLockAsync(Guid sourceId, CancellationToken cancellationToken)
    {
        var connection = await catalog.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select pg_try_advisory_lock(hashtextextended('backupportal-wal:' || @id, 0))", connection);
        command.Parameters.AddWithValue("id", sourceId.ToString());
        if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!) return connection;
        await connection.DisposeAsync();
        return null;
    }

    private static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));

    private sealed class Receiver(NpgsqlConnection lockConnection) : IAsyncDisposable
    {
        public PgProcess? Process { get; set; }
        public TimeSpan Backoff { get; set; }
        public DateTimeOffset RestartAt { get; set; }
        public DateTimeOffset StartedAt { get; set; }
        public DateTimeOffset NextSlotCheck { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Process is not null) await Process.DisposeAsync();
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock_all()", lockConnection);
            try
            {
                await unlock.ExecuteNonQueryAsync();
            }
            finally
            {
                await lockConnection.DisposeAsync();
            }
        }
    }
}
