extern alias tasks;

using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Verify;
using tasks::IncrementalWatch.Tasks;
using IncrementalWatch.Tests.Support;
using IncrementalWatch.Tests.Tasks;
using Microsoft.Build.Utilities;

namespace IncrementalWatch.Tests.Host.Verify;

/// <summary>
/// The stale-output check on snapshots the real task records: fresh, a changed input, a copy
/// in bin/ that differs from its source (the check once compared the section name "copy" with
/// "Copy" and never reported it), several sources copied to one output, and a snapshot from
/// another folder.
/// </summary>
public sealed class StaleOutputCheckTests
{
    [Fact]
    public void Outputs_built_from_the_current_content_are_fresh()
    {
        using var dir = new TempDirectory();
        var project = Record(dir, ("settings.json", "{ }"));
        Assert.Equal(StaleOutcome.Fresh, StaleOutputCheck.Check(project).Outcome);
    }

    [Fact]
    public void A_copy_in_the_output_folder_that_differs_from_its_source_is_stale()
    {
        using var dir = new TempDirectory();
        var project = Record(dir, ("settings.json", "{ \"a\": 1 }"));
        File.WriteAllText(Path.Combine(dir.Path, "P", "bin", "settings.json"), "{ \"a\": 2 }");

        var result = StaleOutputCheck.Check(project);

        Assert.Equal(StaleOutcome.Stale, result.Outcome);
        Assert.Equal(Path.Combine("bin", "settings.json") + " (copy of settings.json: content differs from its source)", Assert.Single(result.Differences));
    }

    [Fact]
    public void A_changed_input_is_stale_whatever_its_timestamp()
    {
        using var dir = new TempDirectory();
        var project = Record(dir, ("settings.json", "one"));
        string source = Path.Combine(dir.Path, "P", "settings.json");
        var written = File.GetLastWriteTimeUtc(source);
        File.WriteAllText(source, "two");
        File.SetLastWriteTimeUtc(source, written);

        var result = StaleOutputCheck.Check(project);

        Assert.Equal(StaleOutcome.Stale, result.Outcome);
        Assert.Contains("settings.json (CopyToOutput: content differs)", result.Differences);
    }

    [Fact]
    public void Several_sources_copied_to_one_output_are_fresh_when_it_holds_the_last_one()
    {
        using var dir = new TempDirectory();
        var project = Record(dir, ("a/settings.json", "from a"), ("b/settings.json", "from b"));
        Assert.Equal(StaleOutcome.Fresh, StaleOutputCheck.Check(project).Outcome);

        File.WriteAllText(Path.Combine(dir.Path, "P", "bin", "settings.json"), "from neither");
        var stale = StaleOutputCheck.Check(project);
        Assert.Equal(StaleOutcome.Stale, stale.Outcome);
        Assert.Contains("copy of " + Path.Combine("a", "settings.json") + " or " + Path.Combine("b", "settings.json"), Assert.Single(stale.Differences));
    }

    [Fact]
    public void A_snapshot_recorded_in_another_folder_is_relocated_not_fresh()
    {
        using var dir = new TempDirectory();
        var project = Record(dir, ("settings.json", "{ }"));
        var elsewhere = project with { ProjectFile = Path.Combine(dir.Path, "Moved", "P.csproj") };
        Directory.CreateDirectory(Path.Combine(dir.Path, "Moved"));

        var result = StaleOutputCheck.Check(elsewhere);

        Assert.Equal(StaleOutcome.Relocated, result.Outcome);
        Assert.Equal(Path.Combine(dir.Path, "P"), Assert.Single(result.Differences));
    }

    [Fact]
    public void Outputs_without_a_snapshot_cannot_be_vouched_for_and_nothing_built_is_not_stale()
    {
        using var dir = new TempDirectory();
        string folder = Path.Combine(dir.Path, "P");
        var project = new VerifyProject(Path.Combine(folder, "P.csproj"), "P", Path.Combine(folder, "obj", "P.iwsnapshot"), Path.Combine(folder, "bin", "P.dll"), Path.Combine(folder, "obj", "P.dll"));
        Directory.CreateDirectory(folder);
        Assert.Equal(StaleOutcome.NotBuilt, StaleOutputCheck.Check(project).Outcome);

        dir.File("P/bin/P.dll", "an assembly");
        Assert.Equal(StaleOutcome.NoSnapshot, StaleOutputCheck.Check(project).Outcome);
    }

    /// <summary>
    /// Records the copy step of project P (its files copied to P/bin/ by name, the last one
    /// winning) with the real CheckBuildStep task, as a build would.
    /// </summary>
    private static VerifyProject Record(TempDirectory dir, params (string Path, string Content)[] files)
    {
        string folder = Path.Combine(dir.Path, "P");
        var items = new List<TaskItem>();
        foreach (var (path, content) in files)
        {
            string source = dir.File(Path.Combine("P", path), content);
            string output = dir.File(Path.Combine("P", "bin", Path.GetFileName(path)));
            File.Copy(source, output, overwrite: true);
            items.Add(new TaskItem(source, new Dictionary<string, string> { ["IncrementalWatchKind"] = "CopyToOutput", ["IncrementalWatchOutput"] = output }));
        }

        var project = new VerifyProject(Path.Combine(folder, "P.csproj"), "P", Path.Combine(folder, "obj", "P.iwsnapshot"), Path.Combine(folder, "bin", "P.dll"), Path.Combine(folder, "obj", "P.dll"));
        Directory.CreateDirectory(Path.Combine(folder, "obj"));
        var task = new CheckBuildStep
        {
            BuildEngine = new FakeBuildEngine(),
            Step = "Copy",
            ProjectName = "P",
            ProjectDirectory = folder,
            SnapshotFile = project.SnapshotFile,
            Inputs = [.. items],
        };
        Assert.True(task.Execute());
        return project;
    }
}
