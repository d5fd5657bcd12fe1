using System.Diagnostics;
using System.Text;

namespace BackupPortal.Infrastructure.PgTools;

/// <summary>A running PostgreSQL client tool with its stderr captured (the tail, bounded) for error messages.</summary>
public sealed class PgProcess : IAsyncDisposable
{
    private const int MaxErrorChars = 16_000;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;
    private readonly Task<string>? _stdoutText;

    private readonly Action<string>? _onErrorLine;

    private PgProcess(Process process, bool captureStdout, Action<string>? onErrorLine)
    {
        _process = process;
        _onErrorLine = onErrorLine;
        _stderrPump = PumpErrorsAsync();
        if (captureStdout) _stdoutText = process.StandardOutput.ReadToEndAsync();
    }

    public string Name => Path.GetFileName(_process.StartInfo.FileName == "runuser" ? _process.StartInfo.ArgumentList[3] : _process.StartInfo.FileName);

    public bool HasExited => _process.HasExited;
    public Stream Stdin => _process.StandardInput.BaseStream;
    public Stream Stdout => _process.StandardOutput.BaseStream;

    /// <summary>Starts a tool. With <paramref name="captureStdout"/> its output is collected as text; otherwise it is a stream to read.</summary>
    public static PgProcess Start(
        string path, IEnumerable<string> args, PgEndpoint? endpoint, bool redirectStdin, bool redirectStdout, bool captureStdout = false,
        Action<string>? onErrorLine = null, string? runAs = null, Dictionary<string, string?>? environment = null)
    {
        // postgres refuses to run as root, so a root Api runs the server tools as another OS user.
        var info = new ProcessStartInfo(runAs is null ? path : "runuser")
        {
            RedirectStandardInput = redirectStdin,
            RedirectStandardOutput = redirectStdout || captureStdout,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs is not null) foreach (var arg in new[] { "-u", runAs, "--", path }) info.ArgumentList.Add(arg);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in endpoint?.Environment() ?? []) info.Environment[key] = value;
        foreach (var (key, value) in environment ?? []) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {path}.");
        return new PgProcess(process, captureStdout, onErrorLine);
    }

    public string Errors
    {
        get { lock (_stderr) return _stderr.ToString().Trim(); }
    }

    public async Task<int> WaitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        await _stderrPump;
        return _process.ExitCode;
    }

    public async Task<string> OutputAsync() => _stdoutText is null ? "" : await _stdoutText;

    /// <summary>Waits for the tool and throws with its own error text when it did not succeed.</summary>
    public async Task EnsureSuccessAsync(CancellationToken cancellationToken)
    {
        var code = await WaitAsync(cancellationToken);
        if (code != 0)
            throw new PgToolException($"{Name} failed (exit code {code}): {FirstLines(Errors)}");
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task PumpErrorsAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            _onErrorLine?.Invoke(line);
            lock (_stderr)
            {
                _stderr.AppendLine(line);
                if (_stderr.Length > MaxErrorChars) _stderr.Remove(0, _stderr.Length - MaxErrorChars);
            }
        }
    }

    private static string FirstLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("FATAL")).ToList();
        return string.Join(" | ", (errors.Count > 0 ? errors : lines.ToList()).Take(5));
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync();
            await _stderrPump;
        }
        finally
        {
            _process.Dispose();
        }
    }
}

public sealed class PgToolException(string message) : Exception(message);
