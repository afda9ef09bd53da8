using System.Diagnostics;
using System.Runtime.InteropServices;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Processes;

/// <summary>
/// A process the host started: the app, a rebuild, or one of verification's builds; the one
/// way the host starts anything. On Unix it leads a process group of its own (created by
/// posix_spawn), so one signal reaches everything it starts, and a terminal's Ctrl+C, which
/// goes to the host's group, does not reach it behind the host's back. Its stdin is /dev/null;
/// stdout and stderr are the host's, a pipe to <see cref="ChildStartInfo.Sink"/>, or /dev/null.
/// Stopping it (<see cref="StopAsync"/>, or cancelling <see cref="WaitAsync"/>) signals only its
/// own group and descendants.
/// </summary>
public sealed class ChildProcess
{
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Process? _windowsProcess;

    private ChildProcess(int id, Process? windowsProcess, Task outputClosed)
    {
        OutputClosed = outputClosed;
        Id = id;
        _windowsProcess = windowsProcess;
        StartedAt = DateTimeOffset.UtcNow;
        StartIdentity = ProcessIdentity.StartTimeOf(id) ?? 0;
    }

    public int Id { get; }

    /// <summary>The process group the app leads (Unix); its id is the app's pid.</summary>
    public int GroupId => Id;

    public DateTimeOffset StartedAt { get; }

    /// <summary>The OS start time of the process, so a recorded pid is not confused with a reused one.</summary>
    public long StartIdentity { get; }

    /// <summary>Completes with the exit code (128 + signal number when killed by a signal).</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>
    /// With a sink: completes when every writer has closed the output pipe (the child and
    /// whatever it started that inherited it, such as a compiler server).
    /// </summary>
    public Task OutputClosed { get; }

    /// <summary>Stops the child and everything it started: the stop signal, a grace period, then SIGKILL.</summary>
    public Task<StopOutcome> StopAsync(StopOptions options) => GracefulStopper.StopAsync(this, options);

    /// <summary>
    /// Waits for the exit code. When <paramref name="cancellation"/> fires first, the child's
    /// whole group is stopped with <paramref name="onCancel"/> and the cancellation is rethrown.
    /// </summary>
    public async Task<int> WaitAsync(StopOptions onCancel, CancellationToken cancellation)
    {
        try
        {
            return await Exited.WaitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(onCancel).ConfigureAwait(false);
            throw;
        }
    }

    /// <exception cref="InvalidOperationException">The program cannot be started; the message says why.</exception>
    public static ChildProcess Start(ChildStartInfo info)
    {
        if (OperatingSystem.IsWindows())
        {
            return StartWindows(info);
        }

        int pid;
        Task outputClosed = Task.CompletedTask;
        if (info.Sink is null)
        {
            pid = UnixSpawn.Spawn(info, discardOutput: info.DiscardOutput);
        }
        else
        {
            var (read, write) = UnixNative.CloseOnExecPipe();
            try
            {
                pid = UnixSpawn.Spawn(info, write);
            }
            catch
            {
                UnixNative.close(read);
                throw;
            }
            finally
            {
                UnixNative.close(write);
            }

            // The pump ends when the app and everything it started have closed the pipe.
            var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle((IntPtr)read, ownsHandle: true);
            outputClosed = OutputPump.Start(new FileStream(handle, FileAccess.Read, 1), info.Sink, info.Name).Completion;
        }

        var app = new ChildProcess(pid, null, outputClosed);
        var reaper = new Thread(() => app.Reap()) { IsBackground = true, Name = $"reap {pid}" };
        reaper.Start();
        return app;
    }

    private void Reap()
    {
        while (true)
        {
            int result = UnixNative.waitpid(Id, out int status, 0);
            if (result == Id)
            {
                int signal = status & 0x7f;
                _exited.TrySetResult(signal == 0 ? (status >> 8) & 0xff : 128 + signal);
                return;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == UnixNative.EINTR)
            {
                continue;
            }

            // Someone else reaped it (ECHILD): the exit code is unknown.
            _exited.TrySetResult(-1);
            return;
        }
    }

    private static ChildProcess StartWindows(ChildStartInfo info)
    {
        // Windows has no process groups to signal; the stopper ends the tree with Kill(true).
        // A graceful console stop would need CREATE_NEW_PROCESS_GROUP and
        // GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT), which Process.Start cannot request.
        var startInfo = new ProcessStartInfo(info.FileName)
        {
            WorkingDirectory = info.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = info.Output != ChildOutput.Inherit,
            RedirectStandardError = info.Output != ChildOutput.Inherit,
        };
        foreach (string arg in info.Arguments)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment.Clear();
        foreach (var (key, value) in info.Environment)
        {
            startInfo.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{info.FileName}' did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Cannot start '{info.FileName}': {ex.Message}", ex);
        }

        process.StandardInput.Close();
        Task outputClosed = Task.CompletedTask;
        if (info.Sink is not null)
        {
            outputClosed = Task.WhenAll(
                OutputPump.Start(process.StandardOutput.BaseStream, info.Sink, info.Name).Completion,
                OutputPump.Start(process.StandardError.BaseStream, info.Sink, info.Name + " stderr").Completion);
        }
        else if (info.DiscardOutput)
        {
            _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
            _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        }

        var app = new ChildProcess(process.Id, process, outputClosed);
        _ = process.WaitForExitAsync().ContinueWith(_ => app._exited.TrySetResult(process.ExitCode), TaskScheduler.Default);
        return app;
    }

    /// <summary>Ends the whole tree at once (Windows only; Unix uses signals to the group).</summary>
    internal void KillTreeWindows() => _windowsProcess?.Kill(entireProcessTree: true);
}
