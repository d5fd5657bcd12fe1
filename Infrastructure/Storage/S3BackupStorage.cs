using System.Buffers;
using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BackupPortal.Domain.Storage;
using Microsoft.Extensions.Logging;

namespace BackupPortal.Infrastructure.Storage;

/// <summary>
/// An S3-compatible bucket. Uploads stream as multipart uploads, one part in flight while the next fills, so an
/// artifact is never held whole; the object appears only when the upload completes, and an abandoned upload is aborted.
/// </summary>
public sealed class S3BackupStorage : IBackupStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly int _partBytes;
    private readonly ILogger _logger;

    public S3BackupStorage(StorageLocation location, string? secretAccessKey, StorageOptions options, ILogger logger)
    {
        Name = location.Name;
        (_bucket, _partBytes, _logger) = (location.Bucket!, options.S3PartBytes, logger);
        _prefix = string.IsNullOrEmpty(location.Prefix) ? "" : location.Prefix.Trim('/') + "/";
        var region = string.IsNullOrEmpty(location.Region) ? "us-east-1" : location.Region;
        var config = new AmazonS3Config
        {
            ForcePathStyle = location.ForcePathStyle,
            AuthenticationRegion = region,
            // Checksums only where S3 requires them: S3-compatible servers differ in the rest.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            MaxErrorRetry = options.S3MaxErrorRetry,
            Timeout = options.S3Timeout,
        };
        if (string.IsNullOrEmpty(location.Endpoint)) config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        else config.ServiceURL = location.Endpoint;
        AWSCredentials credentials = string.IsNullOrEmpty(location.AccessKeyId)
            ? new AnonymousAWSCredentials()
            : new BasicAWSCredentials(location.AccessKeyId, secretAccessKey ?? "");
        _client = new AmazonS3Client(credentials, config);
    }

    public string Name { get; }

    public Task<IArtifactUpload> BeginWriteAsync(string path, CancellationToken cancellationToken, bool replace = false) =>
        Task.FromResult<IArtifactUpload>(new Upload(this, Key(path)));

    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectAsync(_bucket, Key(path), cancellationToken);
            return new ResponseStream(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"The artifact '{path}' is missing from storage '{Name}'.");
        }
    }

    public async Task<long?> GetSizeAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await _client.GetObjectMetadataAsync(_bucket, Key(path), cancellationToken)).ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        await _client.DeleteObjectAsync(_bucket, Key(path), cancellationToken);

    /// <summary>Aborts multipart uploads of the key left by a worker that died; a server that cannot list them has none to show.</summary>
    public async Task<int> DeleteUnfinishedAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var key = Key(path);
            var uploads = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket, Prefix = key }, cancellationToken);
            var mine = (uploads.MultipartUploads ?? []).Where(u => u.Key == key).ToList();
            foreach (var upload in mine) await _client.AbortMultipartUploadAsync(_bucket, key, upload.UploadId, cancellationToken);
            return mine.Count;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.MethodNotAllowed)
        {
            return 0;
        }
    }

    /// <summary>S3 has no free space to report; usage comes from listing or from the catalog's copies.</summary>
    public StorageSpace? Space() => null;

    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        var probe = $".probe-{Guid.NewGuid():N}";
        try
        {
            await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = Key(probe), ContentBody = "ok", UseChunkEncoding = false }, cancellationToken);
            await using (var read = await OpenReadAsync(probe, cancellationToken))
            using (var reader = new StreamReader(read))
                if (await reader.ReadToEndAsync(cancellationToken) != "ok") return false;
            await DeleteAsync(probe, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or TimeoutException)
        {
            _logger.LogWarning("Storage '{Location}' is not writable: {Error}", Name, e.Message);
            return false;
        }
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = _client.Paginators.ListObjectsV2(new ListObjectsV2Request { BucketName = _bucket, Prefix = Key(prefix) });
        await foreach (var item in pages.S3Objects.WithCancellation(cancellationToken))
        {
            if (item is null || item.Key.EndsWith('/') || item.Key[_prefix.Length..].StartsWith(".probe-", StringComparison.Ordinal)) continue;
            yield return new StoredObject(item.Key[_prefix.Length..], item.Size ?? 0, item.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime()) : DateTimeOffset.MinValue);
        }
    }

    public void Dispose() => _client.Dispose();

    private string Key(string path) => _prefix + path.Replace('\\', '/');

    /// <summary>The part after <paramref name="number"/> - 1 parts: 8 MiB for the first thousand, doubling every thousand after.</summary>
    private int PartSize(int number) => _partBytes << Math.Min(6, (number - 1) / 1000);

    /// <summary>
    /// A multipart upload written as a stream. It starts only when the first part fills, so a small object (a manifest,
    /// a key record) is one PUT; chunk encoding stays off, since S3-compatible servers store its framing as data.
    /// Part buffers come from the shared pool: an upload holds two at most, and the next upload reuses them.
    /// </summary>
    private sealed class Upload(S3BackupStorage owner, string key) : Stream, IArtifactUpload
    {
        private int _capacity = owner.PartSize(1);
        private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(owner.PartSize(1));

        /// <summary>The buffer of the part in flight; once it is sent, the next part fills it.</summary>
        private byte[]? _sending;
        private int _filled;
        private string? _uploadId;
        private readonly List<PartETag> _parts = [];
        private Task? _inFlight;
        private bool _committed;

        public Stream Stream => this;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (buffer.Length > 0)
            {
                var take = Math.Min(buffer.Length, _capacity - _filled);
                buffer[..take].CopyTo(_buffer!.AsMemory(_filled));
                (_filled, buffer) = (_filled + take, buffer[take..]);
                if (_filled == _capacity) await SendPartAsync(cancellationToken);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() { }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (_uploadId is null)
            {
                await owner._client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = owner._bucket, Key = key, InputStream = new MemoryStream(_buffer!, 0, _filled, writable: false), UseChunkEncoding = false,
                }, cancellationToken);
            }
            else
            {
                if (_filled > 0) await SendPartAsync(cancellationToken);
                if (_inFlight is not null) await _inFlight;
                await owner._client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = owner._bucket, Key = key, UploadId = _uploadId, PartETags = _parts,
                }, cancellationToken);
            }
            _committed = true;
            await ReleaseAsync();
        }

        /// <summary>Waits for the part before (one in flight at a time), then sends this one from its own buffer.</summary>
        private async Task SendPartAsync(CancellationToken cancellationToken)
        {
            _uploadId ??= (await owner._client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = owner._bucket, Key = key }, cancellationToken)).UploadId;
            if (_inFlight is not null) await _inFlight;
            var number = _parts.Count + 1;
            _inFlight = SendAsync(number, _buffer!, _filled, cancellationToken);
            _capacity = owner.PartSize(number + 1);
            var free = _sending;
            _sending = _buffer;
            if (free is null || free.Length < _capacity)
            {
                if (free is not null) ArrayPool<byte>.Shared.Return(free);
                free = ArrayPool<byte>.Shared.Rent(_capacity);
            }
            (_buffer, _filled) = (free, 0);
        }

        private async Task SendAsync(int number, byte[] part, int length, CancellationToken cancellationToken)
        {
            var response = await owner._client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = owner._bucket, Key = key, UploadId = _uploadId, PartNumber = number,
                InputStream = new MemoryStream(part, 0, length, writable: false), UseChunkEncoding = false,
            }, cancellationToken);
            _parts.Add(new PartETag(number, response.ETag));
        }

        public override async ValueTask DisposeAsync()
        {
            await ReleaseAsync();
            if (_committed || _uploadId is null) return;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await owner._client.AbortMultipartUploadAsync(owner._bucket, key, _uploadId, timeout.Token);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException or IOException)
            {
                owner._logger.LogWarning("Could not abort the unfinished upload of {Key} in '{Location}': {Error}", key, owner.Name, e.Message);
            }
        }

        /// <summary>Gives the part buffers back once no request uses them any more.</summary>
        private async Task ReleaseAsync()
        {
            try
            {
                if (_inFlight is not null) await _inFlight;
            }
            catch (Exception)
            {
                // The upload is being abandoned or has failed; that failure was already reported where it happened.
            }
            foreach (var buffer in new[] { _buffer, _sending }.OfType<byte[]>()) ArrayPool<byte>.Shared.Return(buffer);
            (_buffer, _sending, _inFlight) = (null, null, null);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>The object's body; disposing it releases the response.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _body = response.ResponseStream;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _body.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _body.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _body.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) response.Dispose();
            base.Dispose(disposing);
        }
    }
}
