using System.Net;
using System.Net.Sockets;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Tests.Support;

/// <summary>
/// The controllable child program (testassets/ChildApp), built once per test run, started the
/// way the restart host starts an app: in a process group of its own.
/// </summary>
public static class ChildApp
{
    private static readonly Lazy<string> s_assembly = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    public static ChildProcess Start(params string[] args) => Start(null, args);

    /// <summary>Starts the child with its output going to <paramref name="output"/> (null: the test's own).</summary>
    public static ChildProcess Start(ConsoleSink? output, params string[] args)
    {
        // The test's own environment (PATH, HOME, TMPDIR, ...) with the run's settings on top,
        // as a user's shell would start it; a null setting removes the variable.
        var environment = ChildStartInfo.InheritedEnvironment();
        foreach (var (key, value) in BuildEnvironment.Clean(null))
        {
            if (value is null)
            {
                environment.Remove(key);
            }
            else
            {
                environment[key] = value;
            }
        }

        return ChildProcess.Start(new ChildStartInfo("dotnet", new[] { s_assembly.Value }.Concat(args).ToList(), Path.GetTempPath(), environment) { Sink = output });
    }

    /// <summary>A port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits (bounded) until the port accepts connections.</summary>
    public static async Task WaitListeningAsync(int port, ChildProcess app)
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(app.HasExited, "the child app exited before listening");
            if (await PortProbe.AcceptsAsync(endpoint, CancellationToken.None))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"the child app did not listen on {port} within 30 s");
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(25);
        }

        return condition();
    }

    /// <summary>Kills whatever of the app's group is left, for test clean-up.</summary>
    public static void KillGroup(ChildProcess app)
    {
        foreach (int pid in ProcessTree.MembersOf(app.Id, app.GroupId))
        {
            UnixNative.kill(pid, 9);
        }

        UnixNative.kill(-app.GroupId, 9);
    }

    private static string Build()
    {
        string output = Path.Combine(PackageFeed.Instance.RunDirectory, "childapp");
        var result = ProcessRunner.Run(
            "dotnet",
            ["build", Path.Combine(RepoPaths.TestAssets, "ChildApp", "ChildApp.csproj"), "-c", "Release", "-o", output, "-nologo", "-tl:off", "-p:UseSharedCompilation=false"],
            RepoPaths.Root,
            BuildEnvironment.Clean(null));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Building ChildApp failed:\n{result.Output}");
        }

        return Path.Combine(output, "ChildApp.dll");
    }
}
