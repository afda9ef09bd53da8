using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

// A child process whose behaviour the supervisor tests control:
//   --exit CODE          exit at once with CODE
//   --listen PORT        accept TCP connections on 127.0.0.1:PORT, answer "pid=N" to each
//   --drain-ms N         on SIGTERM, keep serving N ms, then exit 0
//   --ignore-sigterm     on SIGTERM, do nothing (only SIGKILL ends it)
//   --spawn-grandchild   start another copy of this program (which ignores SIGTERM too when
//                        --ignore-sigterm is given) and print "grandchild=PID"
// It prints "ready pid=N" once it is set up.
var options = args.ToList();
string? Value(string name) => options.IndexOf(name) is int i and >= 0 && i + 1 < options.Count ? options[i + 1] : null;

if (Value("--exit") is string code)
{
    return int.Parse(code);
}

bool ignore = options.Contains("--ignore-sigterm");
int drainMs = int.Parse(Value("--drain-ms") ?? "0");
using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    if (!ignore)
    {
        Console.WriteLine($"sigterm pid={Environment.ProcessId}");
        stop.CancelAfter(drainMs);
    }
});

if (options.Contains("--spawn-grandchild"))
{
    var start = new System.Diagnostics.ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
    foreach (string arg in Environment.GetCommandLineArgs().Skip(Environment.ProcessPath!.EndsWith("dotnet") ? 0 : 1))
    {
        if (arg != "--spawn-grandchild" && arg != "--listen" && arg != Value("--listen"))
        {
            start.ArgumentList.Add(arg);
        }
    }

    var grandchild = System.Diagnostics.Process.Start(start)!;
    Console.WriteLine($"grandchild={grandchild.Id}");
}

TcpListener? listener = null;
if (Value("--listen") is string port)
{
    listener = new TcpListener(IPAddress.Loopback, int.Parse(port));
    listener.Start();
    _ = Task.Run(async () =>
    {
        while (true)
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes($"pid={Environment.ProcessId}\n"));
        }
    });
}

Console.WriteLine($"ready pid={Environment.ProcessId}");
Console.Out.Flush();
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}

listener?.Stop();
Console.WriteLine($"exiting pid={Environment.ProcessId}");
return 0;
