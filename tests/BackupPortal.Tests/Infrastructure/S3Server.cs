using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BackupPortal.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server (s3rver, from tests/s3, which ./test.sh installs) on a free loopback port, with one
/// bucket, its objects in a temporary directory. It can be killed mid-test, like a storage outage.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string Bucket = "backups";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "s3", "s3rver-plus.js");
    private Process? _process;

    private S3Server(string directory, int port) => (Directory, Port) = (directory, port);

    public string Directory { get; }
    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    public static async Task<S3Server> StartAsync()
    {
        if (!File.Exists(Path.Combine(RepoPaths.Root, "tests", "s3", "node_modules", "s3rver", "package.json")))
            throw new InvalidOperationException("s3rver is missing from tests/s3/node_modules: run ./test.sh, which runs npm ci there.");
        var server = new S3Server(Path.Combine(Path.GetTempPath(), "bp-test-s3-" + Guid.NewGuid().ToString("N")[..8]), FreePort());
        await server.RunAsync();
        return server;
    }

    /// <summary>The bytes of every part of multipart uploads still in progress: an upload has begun once this is non-zero.</summary>
    public long PendingUploadBytes
    {
        get
        {
            var uploads = Path.Combine(Directory, Bucket, "._S3rver_uploads");
            return System.IO.Directory.Exists(uploads)
                ? System.IO.Directory.EnumerateFiles(uploads, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length)
                : 0;
        }
    }

    /// <summary>Stops the server at once (SIGKILL): requests in flight are cut and new ones are refused.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        await Task.Run(() => { if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true); });
    }

    private async Task RunAsync()
    {
        // s3rver makes ListObjectsV2 continuation tokens with DES, which Node's OpenSSL 3 only offers through its legacy provider.
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--openssl-legacy-provider", Script, "-d", Directory, "-a", "127.0.0.1", "-p", Port.ToString(), "--configure-bucket", Bucket, "--silent" })
            info.ArgumentList.Add(arg);
        _process = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException($"s3rver did not start on port {Port}: {await _process.StandardError.ReadToEndAsync()}");
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
