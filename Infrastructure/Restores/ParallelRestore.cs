using System.Diagnostics;
using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BackupPortal.Infrastructure.Restores;

/// <summary><c>Restore__Jobs</c>: how many <c>pg_restore</c> processes a whole-database restore runs at once; 1 restores in one process.</summary>
public sealed class RestoreOptions
{
    public int Jobs { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 4);
}

/// <summary>
/// A whole-database restore in parallel, as <c>pg_restore --jobs</c> does from a file, but from an encrypted artifact
/// that can only be streamed. The artifact is read once first: every chunk authenticated, the checksum compared and the
/// archive mapped (<see cref="ArchiveLayout"/>), so nothing is restored from a damaged backup. Then <c>pg_restore</c>
/// processes that each stop at their first error: pre-data in one; the tables' data in N, each fed the table of contents
/// followed by only its own data blocks, and as soon as a process has loaded its tables, their indexes and key
/// constraints in the next free of N slots; the rest of post-data (foreign keys, triggers, grants…) in one at the end.
/// A failing process stops all the others.
/// </summary>
public sealed class ParallelRestore(ArtifactReader reader, PgToolbox tools, IOptions<RestoreOptions> options, ILogger<ParallelRestore> logger)
{
    /// <summary>The archive's size in bytes once restored; null when this backup cannot be restored in parallel, and then nothing was written.</summary>
    public async Task<long?> TryRunAsync(
        BackupJob backup, PgEndpoint database, IReadOnlyList<string> ownerArgs, JobControl control, Action<string, double> recordTiming)
    {
        var jobs = options.Value.Jobs;
        if (jobs < 2 || backup.BackupType == BackupType.SchemaOnly || backup.Details?.TocList is not { } tocList) return null;
        var clock = Stopwatch.StartNew();
        if (await reader.ScanAsync(backup, control.Token) is not { } artifact || RestorePlan.Create(artifact.Layout, tocList, jobs) is not { } plan)
        {
            logger.LogInformation("Backup {BackupId} is restored by one pg_restore: its copy is remote or its archive cannot be split", backup.Id);
            return null;
        }
        recordTiming("check_seconds", clock.Elapsed.TotalSeconds);

        Task Run(RestoreStep step, CancellationToken stop) => RunStepAsync(step, artifact, database, ownerArgs, control, stop);
        async Task Stage(string name, IEnumerable<Func<CancellationToken, Task>> work)
        {
            var started = clock.Elapsed;
            await RunAllAsync(work, control.Token);
            recordTiming(name, (clock.Elapsed - started).TotalSeconds);
        }

        await Stage("pre_data_seconds", [stop => Run(plan.PreData, stop)]);
        using var slots = new SemaphoreSlim(jobs);
        async Task InSlot(RestoreStep step, CancellationToken stop)
        {
            await slots.WaitAsync(stop);
            try
            {
                await Run(step, stop);
            }
            finally
            {
                slots.Release();
            }
        }
        await Stage("data_and_index_seconds", plan.Loads.Select(load => (Func<CancellationToken, Task>)(async stop =>
        {
            await InSlot(load.Data, stop);
            await Task.WhenAll(load.Indexes.Select(step => InSlot(step, stop)));
        })));
        await Stage("post_data_seconds", [stop => Run(plan.PostData, stop)]);
        logger.LogInformation("Backup {BackupId} restored by up to {Jobs} pg_restore processes at once", backup.Id, jobs);
        return artifact.Layout.Length;
    }

    /// <summary>Runs work at once; the first failure cancels the rest and is the error reported.</summary>
    private static async Task RunAllAsync(IEnumerable<Func<CancellationToken, Task>> work, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = work.Select(async run =>
        {
            try
            {
                await run(stop.Token);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }).ToList();
        try
        {
            await Task.WhenAll(running);
        }
        catch when (!cancellationToken.IsCancellationRequested)
        {
            var failure = running.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (failure is not null) throw failure;
            throw;
        }
    }

    private async Task RunStepAsync(
        RestoreStep step, CheckedArtifact artifact, PgEndpoint database, IReadOnlyList<string> ownerArgs, JobControl control, CancellationToken stop)
    {
        var listFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(listFile, step.List, stop);
            // No --section: pg_restore would place a comment or grant by the entry before it in the list, not in the
            // archive, and drop it. Each list holds exactly its step's entries.
            string[] args = ["--use-list", listFile, "--exit-on-error", "--no-password", .. ownerArgs, "--dbname", database.Database];
            await using var tool = PgProcess.Start(tools.PgRestore, args, database, redirectStdin: true, redirectStdout: false, captureStdout: true);
            await reader.FeedRangesAsync(artifact, step.Ranges, tool, stop, control.AddBytes);
            await tool.EnsureSuccessAsync(stop);
        }
        finally
        {
            File.Delete(listFile);
        }
    }
}

/// <summary>One <c>pg_restore</c>: its <c>--use-list</c> file and the plaintext ranges of the archive it is fed.</summary>
public sealed record RestoreStep(string List, IReadOnlyList<(long Start, long Length)> Ranges);

/// <summary>One big table's data or several small ones', then their indexes and key constraints.</summary>
public sealed record TableLoad(RestoreStep Data, IReadOnlyList<RestoreStep> Indexes);

/// <summary>How a mapped archive is split between processes.</summary>
public sealed record RestorePlan(RestoreStep PreData, IReadOnlyList<TableLoad> Loads, RestoreStep PostData)
{
    private static readonly HashSet<string> IndexBuilds = ["INDEX", "CONSTRAINT"];

    // A table whose data block is at least this big loads in a process of its own, so its indexes can start as soon as
    // it is in, and its index builds get a process each. Only the largest few, as every process reads the whole table
    // of contents again.
    private const long BigTable = 1 << 20;
    private const int BigTablesPerJob = 4;

    /// <summary>
    /// Null when the archive's table of contents does not match the <c>pg_restore --list</c> recorded at backup time.
    /// Loads are listed largest first: the biggest tables alone, then the rest spread by size over the processes, each
    /// process fed its blocks in archive order.
    /// </summary>
    public static RestorePlan? Create(ArchiveLayout layout, string tocList, int jobs)
    {
        var lines = new Dictionary<int, string>();
        foreach (var line in tocList.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !l.StartsWith(';')))
        {
            var semicolon = line.IndexOf(';');
            if (semicolon < 1 || !int.TryParse(line.AsSpan(0, semicolon), out var dumpId) || !lines.TryAdd(dumpId, line)) return null;
        }
        // pg_restore --list leaves out what it always runs or never runs here (encoding, search_path, the database itself).
        var ids = layout.Entries.Select(e => e.DumpId).ToHashSet();
        if (lines.Keys.Any(id => !ids.Contains(id)) || layout.Blocks.Any(b => !lines.ContainsKey(b.DumpId))) return null;

        // An entry outside any section (comments, grants) belongs to the section of the entries before it, as in pg_restore.
        var sections = new Dictionary<int, ArchiveSection>();
        var current = ArchiveSection.PreData;
        foreach (var entry in layout.Entries)
        {
            if (entry.Section != ArchiveSection.None) current = entry.Section;
            sections[entry.DumpId] = current;
        }
        var blocks = new Dictionary<int, DataBlock>();
        foreach (var block in layout.Blocks)
            if (!blocks.TryAdd(block.DumpId, block) || sections.GetValueOrDefault(block.DumpId) != ArchiveSection.Data) return null;

        (long, long) prefix = (0, layout.TocEnd);
        string List(IEnumerable<ArchiveEntry> entries) => string.Join('\n', entries.Where(e => lines.ContainsKey(e.DumpId)).Select(e => lines[e.DumpId])) + "\n";
        long Size(ArchiveEntry e) => blocks.GetValueOrDefault(e.DumpId)?.Length ?? 0;
        IEnumerable<ArchiveEntry> In(ArchiveSection section) => layout.Entries.Where(e => sections[e.DumpId] == section);

        var data = In(ArchiveSection.Data).ToList();
        var big = data.Where(e => Size(e) >= BigTable).OrderByDescending(Size).Take(jobs * BigTablesPerJob).ToList();
        var buckets = big.Select(e => new List<ArchiveEntry> { e })
            .Concat(Spread(data.Except(big), Size, jobs).Select(bucket => bucket.OrderBy(e => blocks.GetValueOrDefault(e.DumpId)?.Start ?? -1).ToList()))
            .ToList();
        // Which load brings each table's data, and how big it is: a TABLE DATA entry depends on its TABLE.
        var loadedBy = new Dictionary<int, (int Load, long Size)>();
        for (var i = 0; i < buckets.Count; i++)
            foreach (var entry in buckets[i].Where(e => blocks.ContainsKey(e.DumpId)))
                foreach (var table in entry.Dependencies)
                    loadedBy[table] = (i, Size(entry));
        var builds = In(ArchiveSection.PostData).Where(e => IndexBuilds.Contains(e.Desc))
            .Select(e => (Entry: e, Table: e.Dependencies.Where(loadedBy.ContainsKey).Select(d => loadedBy[d]).DefaultIfEmpty().MaxBy(t => t.Size)))
            .ToList();

        var loads = buckets.Select((bucket, i) =>
        {
            var ranges = bucket.Where(e => blocks.ContainsKey(e.DumpId)).Select(e => (blocks[e.DumpId].Start, blocks[e.DumpId].Length));
            var mine = builds.Where(b => b.Table.Load == i).OrderByDescending(b => b.Table.Size).ToList();
            var alone = mine.Where(b => b.Table.Size >= BigTable).Select(b => new[] { b.Entry });
            var together = mine.Where(b => b.Table.Size < BigTable).Select(b => b.Entry).ToArray();
            // Index builds are independent of each other, so a group's list need not follow the archive's order.
            var indexes = alone.Append(together).Where(group => group.Length > 0).Select(group => new RestoreStep(List(group), [prefix]));
            return new TableLoad(new RestoreStep(List(bucket), [prefix, .. ranges]), [.. indexes]);
        }).ToList();

        // With no data at all there is no load to follow, and the builds run with the rest.
        var built = builds.Where(b => b.Table.Load < loads.Count).Select(b => b.Entry.DumpId).ToHashSet();
        var rest = new RestoreStep(List(In(ArchiveSection.PostData).Where(e => !built.Contains(e.DumpId))), [prefix]);
        return new RestorePlan(new RestoreStep(List(In(ArchiveSection.PreData)), [prefix]), loads, rest);
    }

    /// <summary>Largest first, each to the least loaded of <paramref name="jobs"/> buckets; empty buckets are dropped.</summary>
    private static IEnumerable<List<ArchiveEntry>> Spread(IEnumerable<ArchiveEntry> entries, Func<ArchiveEntry, long> weight, int jobs)
    {
        var loads = new long[jobs];
        var buckets = Enumerable.Range(0, jobs).Select(_ => new List<ArchiveEntry>()).ToArray();
        foreach (var entry in entries.OrderByDescending(weight))
        {
            var lightest = Array.IndexOf(loads, loads.Min());
            loads[lightest] += weight(entry);
            buckets[lightest].Add(entry);
        }
        return buckets.Where(b => b.Count > 0);
    }
}
