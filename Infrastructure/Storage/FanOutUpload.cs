using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>
/// One upload to several locations: each write goes to every copy still healthy, at the same time. A copy whose write
/// or commit fails is dropped (its upload discarded) and the others go on; only when none is left does the upload fail.
/// </summary>
public sealed class FanOutUpload : IArtifactUpload
{
    private readonly List<Copy> _copies;
    private readonly ILogger _logger;
    private readonly Writer _stream;

    public FanOutUpload(string path, List<Copy> copies, ILogger logger)
    {
        (Path, _copies, _logger) = (path, copies, logger);
        _stream = new Writer(this);
        if (Live.Count == 0) throw new IOException(NoneLeft());
    }

    public sealed class Copy(Replica replica, IArtifactUpload? upload)
    {
        public Replica Replica { get; } = replica;
        public IArtifactUpload? Upload { get; set; } = upload;
        public string? Error { get; set; }
    }

    public string Path { get; }
    public IReadOnlyList<Copy> Copies => _copies;
    public Stream Stream => _stream;

    private List<Copy> Live => [.. _copies.Where(c => c.Upload is not null)];

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Live.Select(copy => GuardAsync(copy, () => copy.Upload!.CommitAsync(cancellationToken))));
        if (Live.Count == 0) throw new IOException(NoneLeft());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var copy in _copies)
            if (copy.Upload is { } upload) await upload.DisposeAsync();
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await Task.WhenAll(Live.Select(copy => GuardAsync(copy, () => copy.Upload!.Stream.WriteAsync(buffer, cancellationToken).AsTask())));
        if (Live.Count == 0) throw new IOException(NoneLeft());
    }

    /// <summary>The blocking write of the pipeline's copy thread: one location is written directly, several at once.</summary>
    private void Write(ReadOnlySpan<byte> buffer)
    {
        if (_copies.Count(c => c.Upload is not null) != 1)
        {
            var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
            try
            {
                buffer.CopyTo(rented);
                WriteAsync(rented.AsMemory(0, buffer.Length), CancellationToken.None).GetAwaiter().GetResult();
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
            return;
        }
        var copy = _copies.First(c => c.Upload is not null);
        try
        {
            copy.Upload!.Stream.Write(buffer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GuardAsync(copy, () => Task.FromException(e)).GetAwaiter().GetResult();
            throw new IOException(NoneLeft());
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Live.Select(copy => GuardAsync(copy, () => copy.Upload!.Stream.FlushAsync(cancellationToken))));

    /// <summary>Runs one copy's step; a failure (other than cancellation) drops that copy and keeps the reason.</summary>
    private async Task GuardAsync(Copy copy, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning("Upload of {Path} to storage '{Location}' failed: {Error}", Path, copy.Replica.Location.Name, e.Message);
            copy.Error = e.Message;
            var upload = copy.Upload;
            copy.Upload = null;
            try
            {
                if (upload is not null) await upload.DisposeAsync();
            }
            catch (Exception cleanup) when (cleanup is not OperationCanceledException)
            {
                _logger.LogWarning("Could not discard the failed upload of {Path} to '{Location}': {Error}", Path, copy.Replica.Location.Name, cleanup.Message);
            }
        }
    }

    private string NoneLeft() => $"Every upload of '{Path}' failed: {string.Join("; ", _copies.Select(c => $"{c.Replica.Location.Name}: {c.Error}"))}";

    /// <summary>The write side the pipeline sees.</summary>
    private sealed class Writer(FanOutUpload owner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => owner.Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => owner.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => new(owner.WriteAsync(buffer, cancellationToken));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => owner.WriteAsync(buffer.AsMemory(offset, count), cancellationToken);

        public override void Flush() => FlushAsync().GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => owner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
