using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace IncrementalWatch.Benchmarks;

/// <summary>Packing the package, copying a test asset, running dotnet: shared by the benchmarks.</summary>
public static class BenchFiles
{
    public static string Pack(string repoRoot, string feed, string packages)
    {
        Directory.CreateDirectory(feed);
        foreach (string old in Directory.GetFiles(feed, "*.nupkg"))
        {
            File.Delete(old);
        }

        string extracted = Path.Combine(packages, "incrementalwatch");
        if (Directory.Exists(extracted))
        {
            Directory.Delete(extracted, recursive: true);
        }

        Run(repoRoot, new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages }, "pack", Path.Combine(repoRoot, "src", "IncrementalWatch.Tasks", "IncrementalWatch.Tasks.csproj"), "-c", "Release", "-o", feed, "-nologo", "-tl:off", "-v:q");
        return Path.GetFileNameWithoutExtension(Directory.GetFiles(feed, "IncrementalWatch.*.nupkg").Single())["IncrementalWatch.".Length..];
    }

    /// <summary>Copies a test asset without bin/ and obj/ and adds a nuget.config for the feed.</summary>
    public static void CopyAsset(string source, string root, string feed)
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            string target = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.WriteAllText(Path.Combine(root, "nuget.config"), $"<configuration><packageSources><add key=\"bench\" value=\"{feed}\" /></packageSources></configuration>");
    }

    public static TimeSpan Run(string workingDirectory, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var start = DotnetStart(workingDirectory, env, args);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} took over 5 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed:\n{output.Result}{error.Result}");
        }

        return clock.Elapsed;
    }

    /// <summary>Starts a long-running dotnet command (a watch), its output read and dropped, stdin open.</summary>
    public static Process StartDotnet(string workingDirectory, IReadOnlyDictionary<string, string> env, params string[] args)
    {
        var start = DotnetStart(workingDirectory, env, args);
        start.RedirectStandardInput = true;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills a process started with <see cref="StartDotnet"/> and everything below it.</summary>
    public static void StopTree(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(30_000);
        }
    }

    private static ProcessStartInfo DotnetStart(string workingDirectory, IReadOnlyDictionary<string, string> env, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Points the WebApp copy's launch profile at <paramref name="port"/> (it ships with 5199).</summary>
    public static void UsePort(string webApp, int port)
    {
        string settings = Path.Combine(webApp, "Properties", "launchSettings.json");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("127.0.0.1:5199", $"127.0.0.1:{port}", StringComparison.Ordinal));
    }
}
