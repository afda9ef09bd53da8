using System.Diagnostics;
using System.Text;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Processes;

namespace IncrementalWatch.Tests.Support;

/// <summary>
/// A real `dotnet build -t:Watch` of a test workspace, its console output collected, and an
/// HTTP client for the app it runs on 127.0.0.1. Disposing kills whatever is left.
/// </summary>
public sealed class WatchRun : IDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private WatchRun(TestWorkspace workspace, Process process, int port)
    {
        Workspace = workspace;
        _process = process;
        Port = port;
    }

    public TestWorkspace Workspace { get; }

    public int Port { get; }

    public int BuildProcessId => _process.Id;

    /// <summary>Leave the app running at dispose (to test what the next watch does with it).</summary>
    public bool KeepAppOnDispose { get; set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string RecordFile => Workspace.PathOf("obj/IncrementalWatch/app.pid");

    /// <summary>Starts `dotnet build -t:Watch` in the workspace with the app on <paramref name="port"/>.</summary>
    public static WatchRun Start(TestWorkspace workspace, int port, params string[] extra) => Start(workspace, port, terminal: false, extra);

    /// <summary>
    /// As <see cref="Start(TestWorkspace, int, string[])"/>, in a pseudo-terminal (util-linux
    /// script), as a developer runs it: <see cref="SendCtrlC"/> then types Ctrl+C there.
    /// </summary>
    public static WatchRun StartInTerminal(TestWorkspace workspace, int port, params string[] extra)
    {
        // A test run started in the background (`.ci/run &`) ignores SIGINT, and every process
        // below inherits that through exec, so Ctrl+C in the pseudo-terminal would reach a host
        // that ignores it. A developer's foreground terminal never has SIGINT ignored; give the
        // children the default again, as it would be.
        if (SigintIgnored())
        {
            signal(2, 0); // SIG_DFL; only when ignored, so the runtime's own handler is never replaced
        }

        return Start(workspace, port, terminal: true, extra);
    }

    /// <summary>Whether this process ignores SIGINT (a test run started in the background), which its children inherit.</summary>
    public static bool SigintIgnored()
    {
        string? mask = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return mask is not null && (Convert.ToUInt64(mask["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern nint signal(int signal, nint handler);

    private static WatchRun Start(TestWorkspace workspace, int port, bool terminal, string[] extra)
    {
        string settings = workspace.PathOf("Properties/launchSettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("127.0.0.1:5199", $"127.0.0.1:{port}", StringComparison.Ordinal));
        string[] command = new[] { "dotnet", "build", "-t:Watch", "-nologo", "-tl:off", $"-p:IwTestPackageVersion={PackageFeed.Instance.Version}" }.Concat(extra).ToArray();
        var startInfo = new ProcessStartInfo(terminal ? "script" : "dotnet")
        {
            WorkingDirectory = workspace.Root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = terminal,
        };
        if (terminal)
        {
            // -e: script exits with the command's exit code; -f: output as it comes.
            foreach (string arg in new[] { "-qfe", "-c", string.Join(' ', command.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'")), "/dev/null" })
            {
                startInfo.ArgumentList.Add(arg);
            }
        }
        else
        {
            foreach (string arg in command.Skip(1))
            {
                startInfo.ArgumentList.Add(arg);
            }
        }

        // The user's environment (PATH, HOME, TMPDIR, ...), as a watch started from a shell has
        // it, with the test run's settings on top (a null value removes the variable). Cleared,
        // the watch ran with two variables, and the runtime and the SDK put their temp files in
        // /tmp whatever TMPDIR said.
        BuildEnvironment.AddRunSettings(startInfo.Environment);
        foreach (var (key, value) in BuildEnvironment.Clean(PackageFeed.Instance.PackagesDirectory))
        {
            startInfo.Environment[key] = value;
        }

        var process = Process.Start(startInfo)!;
        var run = new WatchRun(workspace, process, port);
        process.OutputDataReceived += (_, e) => run.Append(e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return run;
    }

    /// <summary>The pid in an answer of the WebApp asset ("... pid=N").</summary>
    public static int PidOf(string answer) => int.Parse(answer[(answer.LastIndexOf("pid=", StringComparison.Ordinal) + 4)..].Trim());

    /// <summary>GET path; null when nothing answers.</summary>
    public async Task<string?> GetAsync(string path = "/")
    {
        try
        {
            return await Http.GetStringAsync($"http://127.0.0.1:{Port}{path}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Polls GET <paramref name="path"/> until the answer contains <paramref name="text"/> (bounded); returns the answer.</summary>
    public async Task<string> WaitForContentAsync(string text, TimeSpan? timeout = null, string path = "/")
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"dotnet build -t:Watch exited early:\n{Output}");
            last = await GetAsync(path);
            if (last is not null && last.Contains(text, StringComparison.Ordinal))
            {
                return last;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The app never answered '{text}' (last answer: {last ?? "none"}).\n{Output}");
        return "";
    }

    /// <summary>Waits (bounded) until the output contains <paramref name="text"/> at least <paramref name="count"/> times.</summary>
    public async Task WaitForOutputAsync(string text, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (DateTime.UtcNow < deadline)
        {
            if (Occurrences(text) >= count)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"The output never showed '{text}' {count} time(s).\n{Output}");
    }

    public int Occurrences(string text)
    {
        string output = Output;
        int count = 0;
        for (int i = output.IndexOf(text, StringComparison.Ordinal); i >= 0; i = output.IndexOf(text, i + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Types Ctrl+C in the terminal (<see cref="StartInTerminal"/> only).</summary>
    public void SendCtrlC()
    {
        _process.StandardInput.Write('\u0003');
        _process.StandardInput.Flush();
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Waits (bounded) for `dotnet build -t:Watch` to exit and for its output to be read to the
    /// end: a timed wait returns at exit, before the last lines ("watch: stopping", "Build
    /// succeeded") have reached <see cref="Output"/>; the untimed one waits for the end of the
    /// redirected output, bounded here in case a process that inherited it lives on.
    /// </summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            return false;
        }

        Task.Run(() => _process.WaitForExit()).Wait(TimeSpan.FromSeconds(10));
        return true;
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        // An app left by a test that failed half-way: end it by its recorded group.
        if (!KeepAppOnDispose && AppRecord.Load(RecordFile) is { AppPid: > 0 } record)
        {
            if (record.AppAlive)
            {
                UnixNative.kill(-record.AppGroup, 9);
            }

            if (record.OldAlive)
            {
                UnixNative.kill(-record.OldGroup, 9);
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
