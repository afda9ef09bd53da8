using IncrementalWatch.Snapshots;
using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// A build with no change does no real work: shown from the binary log. The first one after a
/// real build may rewrite the snapshot once, to record as settled the files that build wrote
/// just before a step (racy then); from the next one on, the snapshot files are not rewritten
/// and every step is decided by the stat digest, also after a file was touched without a
/// content change (once that build brought the facts up to date).
/// </summary>
public sealed class NoOpBuildTests(ITestOutputHelper output)
{
    [Fact]
    public void Builds_without_changes_do_no_real_work_and_once_settled_keep_the_snapshot()
    {
        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk();

        // The first build wrote the generated sources just before compiling them: the next
        // build reads them again and records them settled, and does nothing else.
        var settling = ws.BuildOk();
        Assert.DoesNotMatch(@"IW100[1-8]", settling.Output);
        AssertNoRealWork(new Binlog(ws.LastBinlog!));

        string[] watched =
        [
            "App/obj/Debug/net10.0/App.csproj.iwsnapshot",
            "Lib/obj/Debug/net10.0/Lib.csproj.iwsnapshot",
            "App/obj/Debug/net10.0/App.Strings.resources",
            "Lib/obj/Debug/net10.0/Lib.LibStrings.resources",
            "App/bin/Debug/net10.0/app-data.txt",
            "App/bin/Debug/net10.0/App.dll",
        ];
        var before = watched.ToDictionary(f => f, f => (File.GetLastWriteTimeUtc(ws.PathOf(f)), File.ReadAllBytes(ws.PathOf(f))));

        var second = ws.BuildOk();
        var log = new Binlog(ws.LastBinlog!);
        Assert.DoesNotMatch(@"IW100[1-8]", second.Output);
        AssertNoRealWork(log);
        var messages = log.Messages().ToList();

        foreach (string file in watched)
        {
            var (time, bytes) = before[file];
            Assert.True(time == File.GetLastWriteTimeUtc(ws.PathOf(file)), $"{file} was rewritten by a no-op build");
            Assert.Equal(bytes, File.ReadAllBytes(ws.PathOf(file)));
        }

        // And the snapshot is a whole, current-format file with all three steps.
        var snapshot = SnapshotFile.Load(ws.PathOf(watched[0]))!;
        Assert.Equal(["compile", "copy", "resources"], snapshot.Sections.Keys);
        AssertEveryStepByDigest(messages);

        // A source touched with its content kept (a checkout, an editor saving unchanged text):
        // MSBuild compiles again by its timestamp, the package finds nothing changed and brings
        // the recorded facts up to date, so the next no-op build is decided by the digest again.
        File.SetLastWriteTimeUtc(ws.PathOf("Lib/LibCode.cs"), DateTime.UtcNow);
        var touched = ws.BuildOk();
        Assert.DoesNotMatch(@"IW100[1-8]", touched.Output);
        ws.BuildOk();
        AssertEveryStepByDigest(new Binlog(ws.LastBinlog!).Messages().ToList());
        ws.Pass();
    }

    /// <summary>
    /// The package's no-op path runs from its ReadyToRun image in a fresh MSBuild node: no
    /// method of it, and no generic instantiation over its types (which no precompiled image
    /// holds), is JIT-compiled. A later re-compile of hot code at tier 1 runs in the background
    /// and is allowed. The net10.0 tasks are ReadyToRun for linux-x64 only.
    /// </summary>
    [Fact]
    public void A_no_op_build_JIT_compiles_none_of_the_packages_code()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier != "linux-x64")
        {
            output.WriteLine("The package's tasks are ReadyToRun-compiled for linux-x64 only; nothing to check here.");
            return;
        }

        using var ws = TestWorkspace.Create("Workspace", withPackage: true, output);
        ws.BuildOk();
        ws.BuildOk("App", "--no-restore"); // records the first build's racy inputs settled
        string summary = ws.PathOf("logs/jit-summary.txt");
        ws.Environment["DOTNET_JitDisasmSummary"] = "1";
        ws.Environment["DOTNET_JitStdOutFile"] = summary;

        // One node, so the one summary file holds every method the build compiled.
        ws.BuildOk("App", "--no-restore", "-m:1");
        AssertEveryStepByDigest(new Binlog(ws.LastBinlog!).Messages().ToList());
        string[] compiled = File.ReadAllLines(summary);
        Assert.True(compiled.Length > 500, $"The JIT summary has {compiled.Length} lines; DOTNET_JitStdOutFile was not honoured.");
        var ours = compiled
            .Where(line => line.Contains("IncrementalWatch", StringComparison.Ordinal) || line.Contains("CheckBuildStep", StringComparison.Ordinal))
            .Where(line => !line.Contains("Tier1", StringComparison.Ordinal))
            .ToList();
        Assert.True(ours.Count == 0, $"A no-op build JIT-compiled {ours.Count} methods of the package:\n{string.Join('\n', ours.Take(20))}");
        ws.Pass();
    }

    /// <summary>Nothing compiled, copied or generated: the checks ran and found nothing to do.</summary>
    private static void AssertNoRealWork(Binlog log)
    {
        foreach (string project in new[] { "App.csproj", "Lib.csproj" })
        {
            var compile = log.Targets(project, "CoreCompile");
            Assert.NotEmpty(compile);
            Assert.All(compile, t => Assert.True(t.Skipped && log.TasksIn(t).Count == 0, $"{project}: CoreCompile ran"));

            var copy = log.Targets(project, "_CopyOutOfDateSourceItemsToOutputDirectory");
            Assert.NotEmpty(copy);
            Assert.All(copy, t => Assert.True(t.Skipped && log.TasksIn(t).Count == 0, $"{project}: copy to output ran"));

            // The snapshot did run: the checks are there, they just found nothing to do.
            Assert.Contains(log.Targets(project, "_IncrementalWatchCheckCompile"), t => !t.Skipped);
        }

        var messages = log.Messages().ToList();
        Assert.DoesNotContain(messages, m => m.Contains("Processing resource file", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("No resources are out of date", StringComparison.Ordinal));
    }

    private static void AssertEveryStepByDigest(List<string> messages)
    {
        var summaries = messages.Where(m => m.Contains("IncrementalWatch snapshot of ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, summaries.Count);
        Assert.All(summaries, m => Assert.EndsWith("by the stat digest.", m));
    }
}
