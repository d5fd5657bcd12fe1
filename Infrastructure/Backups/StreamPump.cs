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

    public static async Task<long> CopyAsync(Stream from, Stream? to, IEnumerable<Stream> tees, CancellationToken cancellationToken)
    {
        var listening = tees.ToList();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                foreach (var tee in listening.ToList())
                {
                    if (!await TryWriteAsync(tee, buffer.AsMemory(0, read), cancellationToken)) listening.Remove(tee);
                }
                if (to is not null) await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>False once the reader has gone away; its exit code tells whether that was success.</summary>
    private static async Task<bool> TryWriteAsync(Stream tee, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            await tee.WriteAsync(data, cancellationToken);
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
