using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using IncrementalWatch.Contracts;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using Microsoft.Build.Framework;
using Microsoft.Build.Logging;

namespace IncrementalWatch.BuildWorker;

/// <summary>
/// Reads requests and answers them, one line each. MSBuild's types are first touched here, after
/// Program has registered the SDK's MSBuild folder (the locator needs that order).
/// </summary>
internal static class WorkerLoop
{
    private static bool _building;

    public static int Run(Stream stream, string token)
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        using var writer = new StreamWriter(stream, encoding) { AutoFlush = true, NewLine = "\n" };
        writer.WriteLine(token);

        // Requests are read on their own thread so that the connection closing (the host
        // stopped, or died) cancels a build that is running instead of waiting for it.
        var requests = new BlockingCollection<string>();
        var reader = new Thread(() =>
        {
            using var lines = new StreamReader(stream, encoding);
            try
            {
                string? line;
                while ((line = lines.ReadLine()) is not null)
                {
                    requests.Add(line);
                }
            }
            catch (IOException)
            {
            }

            requests.CompleteAdding();
            if (Volatile.Read(ref _building))
            {
                try
                {
                    BuildManager.DefaultBuildManager.CancelAllSubmissions();
                }
                catch (Exception ex) when (ex is InvalidOperationException or NullReferenceException)
                {
                    // The build ended meanwhile (MSBuild throws when nothing is being built).
                }
            }
        }) { IsBackground = true, Name = "requests" };
        reader.Start();

        foreach (string line in requests.GetConsumingEnumerable())
        {
            WarmBuildReply reply;
            try
            {
                var request = JsonSerializer.Deserialize(line, WarmBuildJson.Default.WarmBuildRequest)
                    ?? throw new InvalidDataException("an empty request");
                Volatile.Write(ref _building, true);
                reply = new WarmBuildReply(Build(request));
            }
            catch (Exception ex)
            {
                // Not a build error (those are on the console and in the result): the worker
                // itself could not build. The host then builds the usual way.
                reply = new WarmBuildReply(1, ex.GetType().Name + ": " + ex.Message);
            }
            finally
            {
                Volatile.Write(ref _building, false);
            }

            if (requests.IsAddingCompleted)
            {
                break;
            }

            try
            {
                writer.WriteLine(JsonSerializer.Serialize(reply, WarmBuildJson.Default.WarmBuildReply));
            }
            catch (IOException)
            {
                break;
            }
        }

        return 0;
    }

    /// <summary>What `dotnet msbuild Project -t:Targets -p:Properties [-restore] -v:q -clp:NoSummary` does.</summary>
    private static int Build(WarmBuildRequest request)
    {
        var properties = new Dictionary<string, string>(request.Properties, StringComparer.OrdinalIgnoreCase);
        if (request.Restore)
        {
            // As MSBuild's -restore: a separate evaluation that marks itself as restoring, whose
            // caches are dropped so the build below sees what restore generated.
            var restore = new Dictionary<string, string>(properties, StringComparer.OrdinalIgnoreCase)
            {
                ["MSBuildRestoreSessionId"] = Guid.NewGuid().ToString("D"),
                ["MSBuildIsRestoring"] = "true",
                ["ExcludeRestorePackageImports"] = "true",
            };
            const BuildRequestDataFlags restoreFlags = BuildRequestDataFlags.ClearCachesAfterBuild
                | BuildRequestDataFlags.SkipNonexistentTargets
                | BuildRequestDataFlags.IgnoreMissingEmptyAndInvalidImports;
            if (!Run(request, restore, new[] { "Restore" }, restoreFlags))
            {
                return 1;
            }
        }

        return Run(request, properties, request.Targets, BuildRequestDataFlags.None) ? 0 : 1;
    }

    private static bool Run(WarmBuildRequest request, Dictionary<string, string> properties, IReadOnlyList<string> targets, BuildRequestDataFlags flags)
    {
        // A fresh collection for every build, as MSBuild's own server does: nothing evaluated
        // before (a project file that changed since) is reused; what stays warm is the
        // process: loaded and jitted MSBuild, tasks and SDK resolution.
        using var collection = new ProjectCollection(properties);
        var loggers = new List<ILogger> { new ConsoleLogger(LoggerVerbosity.Quiet) { Parameters = "NoSummary" } };
        if (request.ErrorsFile is not null)
        {
            loggers.Add(new FileLogger { Parameters = $"LogFile={request.ErrorsFile};ErrorsOnly;NoSummary;Verbosity=quiet" });
        }

        var parameters = new BuildParameters(collection)
        {
            Loggers = loggers,
            MaxNodeCount = Environment.ProcessorCount,
            EnableNodeReuse = false,
        };
        var data = new BuildRequestData(request.ProjectFile, properties, null, targets.ToArray(), null, flags);
        var result = BuildManager.DefaultBuildManager.Build(parameters, data);
        return result.OverallResult == BuildResultCode.Success;
    }
}
