using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using BackupPortal.Domain.Storage;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>One location of a policy and the driver that reaches it.</summary>
public sealed record Replica(StorageLocation Location, IBackupStorage Driver);

/// <summary>What became of one location's copy: stored and checked, or failed with the reason, after how many uploads.</summary>
public sealed record CopyOutcome(Replica Replica, bool Stored, string? Error, int Attempts);

/// <summary>
/// Several locations seen as one storage, in policy order. A write streams to all of them at once and survives a
/// location that fails (as long as one holds the artifact); a read opens the first copy that can be opened.
/// </summary>
public sealed class ReplicatedStorage(IReadOnlyList<Replica> replicas, ILogger logger) : IBackupStorage
{
    /// <summary>Copies of a failed upload tried again from a stored copy before the location counts as failed.</summary>
    public const int Retries = 2;

    public IReadOnlyList<Replica> Replicas => replicas;

    /// <summary>The locations that hold a checked copy, where the artifact's companions (its manifest) go.</summary>
    public ReplicatedStorage Holding(IEnumerable<CopyOutcome> copies) => new([.. copies.Where(c => c.Stored).Select(c => c.Replica)], logger);

    public string Name => string.Join(" + ", replicas.Select(r => r.Location.Name));

    public async Task<IArtifactUpload> BeginWriteAsync(string path, CancellationToken cancellationToken, bool replace = false)
    {
        var copies = new List<FanOutUpload.Copy>();
        foreach (var replica in replicas)
        {
            try
            {
                copies.Add(new(replica, await replica.Driver.BeginWriteAsync(path, cancellationToken, replace)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                copies.Add(new(replica, null) { Error = e.Message });
            }
        }
        return new FanOutUpload(path, copies, logger);
    }

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken) => OpenReadAsync(path, null, cancellationToken);

    /// <summary>The first copy that opens; with <paramref name="size"/>, a copy of another size is passed over as damaged.</summary>
    public async Task<Stream> OpenReadAsync(string path, long? size, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var replica in replicas)
        {
            try
            {
                if (size is { } expected && await replica.Driver.GetSizeAsync(path, cancellationToken) is { } actual && actual != expected)
                {
                    logger.LogWarning("The copy of {Path} in storage '{Location}' holds {Actual} bytes, not {Expected}; trying the next copy", path, replica.Location.Name, actual, expected);
                    errors.Add($"{replica.Location.Name}: holds {actual} bytes, not {expected}");
                    continue;
                }
                return await replica.Driver.OpenReadAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not read {Path} from storage '{Location}': {Error}; trying the next copy", path, replica.Location.Name, e.Message);
                errors.Add($"{replica.Location.Name}: {e.Message}");
            }
        }
        throw new FileNotFoundException($"No copy of '{path}' could be read ({string.Join("; ", errors)}).");
    }

    /// <summary>The size of the first copy found.</summary>
    public async Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken)
    {
        await foreach (var (_, size, _) in SizesAsync(path, cancellationToken))
            if (size is not null) return size;
        return null;
    }

    /// <summary>Each copy's size in policy order, asked one location at a time: null where it is missing, or with the error where the location could not be asked.</summary>
    public async IAsyncEnumerable<(Replica Replica, long? Size, string? Error)> SizesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var replica in replicas)
        {
            (long? Size, string? Error) answer;
            try
            {
                answer = (await replica.Driver.GetSizeAsync(path, cancellationToken), null);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not read the size of {Path} in storage '{Location}': {Error}", path, replica.Location.Name, e.Message);
                answer = (null, e.Message);
            }
            yield return (replica, answer.Size, answer.Error);
        }
    }

    /// <summary>Deletes every copy; throws after trying them all when one could not be deleted.</summary>
    public async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var replica in replicas)
        {
            try
            {
                await replica.Driver.DeleteAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                errors.Add($"{replica.Location.Name}: {e.Message}");
            }
        }
        if (errors.Count > 0) throw new IOException($"Could not delete '{path}' from {string.Join("; ", errors)}.");
    }

    public async Task<int> DeleteUnfinishedAsync(string path, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var replica in replicas)
        {
            try
            {
                removed += await replica.Driver.DeleteUnfinishedAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Could not remove unfinished uploads of {Path} from storage '{Location}': {Error}", path, replica.Location.Name, e.Message);
            }
        }
        return removed;
    }

    public StorageSpace? Space() => replicas[0].Driver.Space();

    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        foreach (var replica in replicas)
            if (!await replica.Driver.IsWritableAsync(cancellationToken)) return false;
        return true;
    }

    public IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken) => replicas[0].Driver.ListAsync(prefix, cancellationToken);

    /// <summary>
    /// After a committed upload: checks each copy's size, and its SHA-256 read back from the location whenever there is
    /// more than one copy or the copy is remote (a lone local copy is re-hashed by the verification that follows). A copy
    /// that failed is uploaded again from a checked copy, up to <see cref="Retries"/> times. Throws when no copy holds.
    /// </summary>
    public async Task<List<CopyOutcome>> SettleAsync(FanOutUpload upload, long size, string sha256, CancellationToken cancellationToken)
    {
        var outcomes = new List<CopyOutcome>();
        var hash = replicas.Count > 1;
        foreach (var copy in upload.Copies)
        {
            var error = copy.Error ?? await CheckAsync(copy.Replica, upload.Path, size, sha256, hash || copy.Replica.Location.Type != StorageType.Local, cancellationToken);
            outcomes.Add(new(copy.Replica, error is null, error, 1));
        }
        if (outcomes.FirstOrDefault(o => o.Stored) is not { } good)
            throw new IOException($"No storage location holds '{upload.Path}': {string.Join("; ", outcomes.Select(o => $"{o.Replica.Location.Name}: {o.Error}"))}");

        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            while (!outcome.Stored && outcome.Attempts <= Retries)
            {
                logger.LogWarning("Copy of {Path} to storage '{Location}' failed ({Error}); copying it again from '{From}'",
                    upload.Path, outcome.Replica.Location.Name, outcome.Error, good.Replica.Location.Name);
                var error = await CopyAsync(good.Replica, outcome.Replica, upload.Path, cancellationToken)
                    ?? await CheckAsync(outcome.Replica, upload.Path, size, sha256, hash: true, cancellationToken);
                outcome = new(outcome.Replica, error is null, error, outcome.Attempts + 1);
            }
            outcomes[i] = outcome;
        }
        return outcomes;
    }

    private static async Task<string?> CheckAsync(Replica replica, string path, long size, string sha256, bool hash, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await replica.Driver.GetSizeAsync(path, cancellationToken);
            if (stored != size) return $"holds {stored?.ToString() ?? "no"} bytes; {size} were written";
            if (!hash) return null;
            await using var read = await replica.Driver.OpenReadAsync(path, cancellationToken);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(read, cancellationToken));
            return actual == sha256 ? null : $"reads back with SHA-256 {actual}, not {sha256}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e.Message;
        }
    }

    private static async Task<string?> CopyAsync(Replica from, Replica to, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var source = await from.Driver.OpenReadAsync(path, cancellationToken);
            await using var upload = await to.Driver.BeginWriteAsync(path, cancellationToken, replace: true);
            await source.CopyToAsync(upload.Stream, 1 << 20, cancellationToken);
            await upload.CommitAsync(cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e.Message;
        }
    }
}
