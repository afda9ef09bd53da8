using System.Runtime.InteropServices;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.Host;
using IncrementalWatch.Host.Terminal;
using IncrementalWatch.Host.Verify;
using IncrementalWatch.Host.Watch;

// The host: `watch` (the restart host) or `verify` (the cache verifier). The restart host
// stops cleanly (the app stopped gracefully, its record removed) on
// Ctrl+C, SIGTERM, SIGHUP or SIGQUIT, and when the Watch task that started it goes away
// (its stdin closes), so a killed build never leaves a host rebuilding on its own.
WatchOptions options;
bool stopOnStdinEof;
switch (HostCommand.Parse(args))
{
    case HostInvocation.RunVerify verify:
        return await VerifyCommand.RunAsync(verify.RequestFile, verify.ResultsFile);
    case HostInvocation.RunWatch watch:
        (options, stopOnStdinEof) = (watch.Options, watch.StopOnStdinEof);
        break;
    case HostInvocation.Invalid invalid:
        foreach (string error in invalid.Errors)
        {
            Console.Error.WriteLine("IncrementalWatch.Host: error: " + error);
        }

        return (int)HostExitCode.InvalidArguments;
    default:
        throw new InvalidOperationException("unreachable");
}

// Ctrl+C in the terminal reaches the host alone, which stops cleanly and exits 0, so the
// build that started it succeeds instead of being cancelled (see TerminalForeground).
using var foreground = IncrementalWatch.Host.Processes.TerminalForeground.TryTake();
var console = new WatchConsole(new ConsoleSink(Console.OpenStandardOutput(), options.BelowTerminalLogger), options.EventsFile);
using var stop = new CancellationTokenSource();
var registrations = new List<PosixSignalRegistration>();
foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
{
    registrations.Add(PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        stop.Cancel();
    }));
}

if (stopOnStdinEof)
{
    var stdinWatch = new Thread(() =>
    {
        try
        {
            using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (stdin.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        stop.Cancel();
    }) { IsBackground = true, Name = "stdin watch" };
    stdinWatch.Start();
}

try
{
    var info = WatchInfo.Load(options.WatchInfoFile);
    if (string.IsNullOrEmpty(info.RunCommand))
    {
        console.Report(Descriptors.IW3102.Create(options.ProjectFile));
        return (int)HostExitCode.NotRunnable;
    }

    console.Say($"watching {Path.GetFileName(options.ProjectFile)} ({info.Files.Count} files in {info.Projects.Count} project(s)); Ctrl+C stops");
    var session = new WatchSession(options, info, console);
    return (int)await session.RunAsync(stop.Token);
}
catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or InvalidOperationException)
{
    console.Report(Descriptors.IW3106.Create(ex.Message));
    return (int)HostExitCode.Failed;
}
finally
{
    foreach (var registration in registrations)
    {
        registration.Dispose();
    }
}
