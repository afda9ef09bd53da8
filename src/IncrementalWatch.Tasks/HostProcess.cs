using System.Diagnostics;

namespace IncrementalWatch.Tasks;

/// <summary>
/// The host (`dotnet exec IncrementalWatch.Host.dll watch|verify ...`) started from a task: the
/// one way the tasks start a process. Its stdin stays open while the task waits; closing it
/// asks the host to stop (the watch host then stops the app gracefully and exits).
/// </summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;

    private HostProcess(Process process) => _process = process;

    /// <param name="output">Gets each line the host writes to stdout (and <paramref name="error"/> to stderr); null leaves them the build's console.</param>
    /// <exception cref="IOException">The host did not start.</exception>
    public static HostProcess Start(string dotnet, string hostAssembly, IEnumerable<string> arguments, string? workingDirectory = null, Action<string>? output = null, Action<string>? error = null)
    {
        var start = new ProcessStartInfo(dotnet.Length > 0 ? dotnet : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = output is not null,
            RedirectStandardError = error is not null,
            WorkingDirectory = workingDirectory ?? "",
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(hostAssembly);
        foreach (string arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new IOException($"'{start.FileName}' did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new IOException($"'{start.FileName}' did not start: {ex.Message}", ex);
        }

        if (output is not null)
        {
            process.OutputDataReceived += (_, e) => Forward(e.Data, output);
            process.BeginOutputReadLine();
        }

        if (error is not null)
        {
            process.ErrorDataReceived += (_, e) => Forward(e.Data, error);
            process.BeginErrorReadLine();
        }

        return new HostProcess(process);
    }

    /// <summary>
    /// Waits for the host's exit code. When <paramref name="cancellation"/> fires first, closes
    /// its stdin, gives it <paramref name="stopGrace"/> to stop, then ends its tree, and returns null.
    /// </summary>
    public int? WaitForExit(CancellationToken cancellation, TimeSpan stopGrace)
    {
        try
        {
            _process.WaitForExitAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            CloseInput();
            if (!_process.WaitForExit(stopGrace))
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            return null;
        }

        _process.WaitForExit(); // the redirected output is complete after this
        return _process.ExitCode;
    }

    /// <summary>EOF on the host's stdin.</summary>
    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The host is gone already.
        }
    }

    public void Dispose() => _process.Dispose();

    private static void Forward(string? line, Action<string> to)
    {
        if (line is { Length: > 0 })
        {
            to(line);
        }
    }
}
