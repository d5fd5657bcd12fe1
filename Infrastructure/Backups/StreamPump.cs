using System.Buffers;

namespace BackupPortal.Infrastructure.Backups;

/// <summary>
/// Copies a stream in fixed buffers into a destination that must take everything, and into side readers that may
/// stop early: <c>pg_restore --list</c> stops once it has the table of contents, and a failing restore exits.
/// Nothing is closed here: the caller closes the readers' input only once it trusts what it sent, and kills them
/// otherwise, so no reader mistakes a failed stream for a clean end.
/// </summary>
public static class StreamPump
{
    private const int BufferSize = 1 << 20;

    /// <summary>
    /// Runs on a thread of its own with blocking reads and writes: a tool writes its pipe a few kilobytes at a time,
    /// and tens of thousands of async hops per gigabyte would cost more CPU than the hashing and encryption together.
    /// Cancelling stops at the next buffer; killing the tool ends a blocked read or write at once.
    /// </summary>
    public static Task<long> CopyAsync(Stream from, Stream? to, IEnumerable<Stream> tees, CancellationToken cancellationToken, Action<int>? progress = null) =>
        Task.Factory.StartNew(() => Copy(from, to, [.. tees], progress, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static long Copy(Stream from, Stream? to, List<Stream> listening, Action<int>? progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = from.Read(buffer, 0, BufferSize)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                listening.RemoveAll(tee => !TryWrite(tee, buffer.AsSpan(0, read)));
                to?.Write(buffer, 0, read);
                total += read;
                progress?.Invoke(read);
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>False once the reader has gone away; its exit code tells whether that was success.</summary>
    private static bool TryWrite(Stream tee, ReadOnlySpan<byte> data)
    {
        try
        {
            tee.Write(data);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task CloseQuietlyAsync(Stream stream)
    {
        try
        {
            await stream.DisposeAsync();
        }
        catch (IOException)
        {
            // The reader already exited; closing its pipe has nothing left to flush.
        }
    }
}
