using BackupPortal.Domain.Backups;
using BackupPortal.Infrastructure.Backups;
using BackupPortal.Infrastructure.Crypto;
using BackupPortal.Infrastructure.Jobs;
using BackupPortal.Infrastructure.PgTools;
using BackupPortal.Infrastructure.Storage;

namespace BackupPortal.Infrastructure.Restores;

/// <summary>A backup whose artifact was read whole and found intact, where it was read from, and its archive's layout.</summary>
public sealed record CheckedArtifact(BackupJob Backup, ReplicatedStorage Storage, ArchiveLayout Layout);

/// <summary>
/// Streams a backup's decrypted archive into a tool's stdin. Every chunk is authenticated before it is passed on, and
/// the stored checksum is compared before stdin closes; on any failure the tool is killed first, so it never sees a
/// clean end of input and commits nothing. A tool may stop reading once it has what it needs (pg_restore with a list);
/// the rest of the artifact is still read and authenticated.
/// </summary>
public sealed class ArtifactReader(StorageLocations locations, MasterKeyRing keys)
{
    public Task<long> FeedAsync(BackupJob backup, PgProcess tool, JobControl control) => PumpAsync(tool, control.Token, control.AddBytes, async () =>
    {
        var stored = new HashingStream((await OpenAsync(backup, control.Token)).Stored);
        return (new DecryptingStream(stored, keys), () => EnsureChecksum(backup, stored));
    });

    /// <summary>
    /// Reads the whole artifact once — every chunk authenticated, the stored checksum compared — and maps the archive
    /// inside it for a restore by several processes. Null when that would not pay: the copy that answers cannot seek
    /// (a remote one, which each process would download again; it is not read here), or the archive is not one
    /// <see cref="ArchiveLayout"/> understands.
    /// </summary>
    public async Task<CheckedArtifact?> ScanAsync(BackupJob backup, CancellationToken cancellationToken)
    {
        var (storage, opened) = await OpenAsync(backup, cancellationToken);
        if (!opened.CanSeek)
        {
            await opened.DisposeAsync();
            return null;
        }
        await using var stored = new HashingStream(opened);
        await using var plain = new DecryptingStream(stored, keys);
        var layout = await Task.Factory.StartNew(() =>
        {
            try
            {
                return ArchiveLayout.Read(plain);
            }
            catch (InvalidDataException)
            {
                plain.CopyTo(Stream.Null);
                return null;
            }
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        EnsureChecksum(backup, stored);
        return layout is null ? null : new CheckedArtifact(backup, storage, layout);
    }

    /// <summary>
    /// Streams only the given plaintext ranges, in order, into a tool's stdin, skipping the chunks between them. Used
    /// after <see cref="ScanAsync"/> has checked the whole artifact; every byte passed on is still authenticated.
    /// </summary>
    public Task<long> FeedRangesAsync(
        CheckedArtifact artifact, IReadOnlyList<(long Start, long Length)> ranges, PgProcess tool, CancellationToken cancellationToken, Action<int>? progress) =>
        PumpAsync(tool, cancellationToken, progress, async () =>
        {
            var stored = await artifact.Storage.OpenReadAsync(artifact.Backup.StoragePath!, artifact.Backup.FileSizeBytes, cancellationToken);
            return (new RangeStream(new DecryptingStream(stored, keys), ranges), null);
        });

    /// <summary>The first copy that answers with the recorded size, and where it was found.</summary>
    private async Task<(ReplicatedStorage Storage, Stream Stored)> OpenAsync(BackupJob backup, CancellationToken cancellationToken)
    {
        var storage = await locations.ForReadAsync(backup, cancellationToken);
        return (storage, await storage.OpenReadAsync(backup.StoragePath!, backup.FileSizeBytes, cancellationToken));
    }

    /// <summary>Copies what <paramref name="open"/> gives into the tool, runs its check, and only then closes stdin; on any failure the tool is killed.</summary>
    private static async Task<long> PumpAsync(
        PgProcess tool, CancellationToken cancellationToken, Action<int>? progress, Func<Task<(Stream Source, Action? Check)>> open)
    {
        try
        {
            var (source, check) = await open();
            await using (source)
            {
                var bytes = await StreamPump.CopyAsync(source, null, [tool.Stdin], cancellationToken, progress);
                check?.Invoke();
                await StreamPump.CloseQuietlyAsync(tool.Stdin);
                return bytes;
            }
        }
        catch
        {
            tool.Kill();
            throw;
        }
    }

    private static void EnsureChecksum(BackupJob backup, HashingStream stored)
    {
        if (stored.HashHex() != backup.ChecksumSha256)
            throw new System.Security.Cryptography.CryptographicException(
                $"The stored artifact's SHA-256 ({stored.HashHex()}) does not match the recorded {backup.ChecksumSha256}.");
    }

    /// <summary>A read-only view of some ranges of a decrypted artifact, one after another.</summary>
    private sealed class RangeStream(DecryptingStream plain, IReadOnlyList<(long Start, long Length)> ranges) : Stream
    {
        private int _next;
        private long _position;
        private long _left;

        public override int Read(byte[] buffer, int offset, int count)
        {
            while (_left == 0)
            {
                if (_next == ranges.Count) return 0;
                var (start, length) = ranges[_next++];
                if (start < _position) throw new ArgumentException("Ranges must be in order and must not overlap.");
                plain.Skip(start - _position);
                (_position, _left) = (start, length);
            }
            var read = plain.Read(buffer, offset, (int)Math.Min(count, _left));
            if (read == 0) throw new System.Security.Cryptography.CryptographicException("The artifact ended before a range it should hold.");
            _position += read;
            _left -= read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) plain.Dispose();
            base.Dispose(disposing);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
