extern alias tasks;

using tasks::IncrementalWatch.Tasks;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace IncrementalWatch.Tests.Tasks;

public sealed class CheckBuildStepTests
{
    [Fact]
    public void Logs_a_coded_message_at_normal_importance_for_a_hidden_change()
    {
        using var dir = new Support.TempDirectory();
        string source = dir.File("a.cs", "v1");
        var engine = new FakeBuildEngine();
        CheckBuildStep Make()
        {
            var task = CompileStep(engine, dir, Item(source, "Compile"));
            task.Properties = [new TaskItem("Configuration", new Dictionary<string, string> { ["Value"] = "Debug" })];
            return task;
        }

        var first = Make();
        Assert.True(first.Execute());
        Assert.Matches("^[0-9a-f]{32}$", first.Fingerprint);

        File.WriteAllText(source, "v2");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddHours(-1));
        engine.Messages.Clear();
        var second = Make();
        Assert.True(second.Execute());

        var message = Assert.Single(engine.Messages, m => m.Code == "IW1001");
        Assert.Equal(MessageImportance.Normal, message.Importance);
        Assert.Contains(source, message.Message);
        Assert.NotEqual(first.Fingerprint, second.Fingerprint);
        Assert.Contains(engine.Messages, m => m.Code == "IW1000" && m.Importance == MessageImportance.Low);
    }

    [Fact]
    public void Each_compile_input_list_is_recorded_under_its_own_kind_without_tagging()
    {
        using var dir = new Support.TempDirectory();
        var engine = new FakeBuildEngine();
        var task = CompileStep(engine, dir);
        task.Sources = [new TaskItem(dir.File("a.cs", "a"))];
        task.EmbeddedResources = [new TaskItem(dir.File("e.txt", "e"))];
        task.References = [new TaskItem(dir.File("r.dll", "r"))];
        task.Analyzers = [new TaskItem(dir.File("g.dll", "g"))];
        task.AdditionalFiles = [new TaskItem(dir.File("add.txt", "x"))];
        task.AnalyzerConfigFiles = [new TaskItem(dir.File(".editorconfig", "root = true"))];
        task.Imports = [new TaskItem(dir.File("p.csproj", "<Project />"))];
        task.ExtraInputs = [new TaskItem(dir.File("key.snk", "k"))];

        Assert.True(task.Execute());

        var snapshot = Snapshots.SnapshotFile.Load(task.SnapshotFile)!;
        var kinds = snapshot.Find("compile")!.Entries.Values.ToDictionary(e => Path.GetFileName(e.Path), e => e.Kind.ToString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["a.cs"] = "Compile",
                ["e.txt"] = "EmbeddedResource",
                ["r.dll"] = "Reference",
                ["g.dll"] = "Analyzer",
                ["add.txt"] = "AdditionalFile",
                [".editorconfig"] = "AnalyzerConfig",
                ["p.csproj"] = "Import",
                ["key.snk"] = "Extra",
            },
            kinds);
    }

    /// <summary>A .resx with GenerateResource="false" makes no .resources file: the resources step leaves it out.</summary>
    [Fact]
    public void The_resources_step_leaves_out_a_resx_that_generates_nothing()
    {
        using var dir = new Support.TempDirectory();
        var engine = new FakeBuildEngine();
        ITaskItem Resx(string name, string? generate)
        {
            var metadata = new Dictionary<string, string> { ["IncrementalWatchKind"] = "Resx", ["IncrementalWatchOutput"] = Path.Combine(dir.Path, name + ".resources") };
            if (generate is not null)
            {
                metadata["GenerateResource"] = generate;
            }

            return new TaskItem(dir.File(name + ".resx", "<root />"), metadata);
        }

        var task = new CheckBuildStep
        {
            BuildEngine = engine,
            Step = "Resources",
            ProjectName = "P",
            SnapshotFile = Path.Combine(dir.Path, "p.iwsnapshot"),
            Inputs = [Resx("Kept", null), Resx("Skipped", "false"), Resx("AlsoKept", "true")],
        };

        Assert.True(task.Execute());
        var names = Snapshots.SnapshotFile.Load(task.SnapshotFile)!.Find("resources")!.Entries.Values.Select(e => Path.GetFileName(e.Path)).Order();
        Assert.Equal(["AlsoKept.resx", "Kept.resx"], names);
    }

    [Fact]
    public void An_unknown_input_kind_is_an_error_naming_the_item_not_a_crash()
    {
        using var dir = new Support.TempDirectory();
        var engine = new FakeBuildEngine();
        var task = CompileStep(engine, dir, Item(dir.File("x.cs", "x"), "Sourcery"));

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("IW3000", error.Code);
        Assert.Contains("x.cs", error.Message);
        Assert.Contains("Sourcery", error.Message);
    }

    [Fact]
    public void A_path_with_braces_is_logged_verbatim()
    {
        using var dir = new Support.TempDirectory();
        string bad = Path.Combine(dir.Path, "{0}{1}.cs");
        Directory.CreateDirectory(bad);
        var engine = new FakeBuildEngine();
        var task = CompileStep(engine, dir, Item(bad, "Compile"));

        Assert.False(task.Execute());
        Assert.Contains("{0}{1}.cs", Assert.Single(engine.Errors).Message);
    }

    /// <summary>
    /// MSBuild sets the parameters of a task that is an IGeneratedTask through it, with the
    /// parameter list it reads from the task's properties: every property must go through it,
    /// both ways, or a parameter the targets pass would fail the build.
    /// </summary>
    [Fact]
    public void Every_parameter_is_set_and_read_through_IGeneratedTask()
    {
        var properties = typeof(CheckBuildStep).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly);
        Assert.True(properties.Length >= 19);
        IGeneratedTask task = new CheckBuildStep();
        foreach (var property in properties)
        {
            bool output = property.GetCustomAttributes(typeof(OutputAttribute), false).Length > 0;
            var info = new TaskPropertyInfo(property.Name, property.PropertyType, output, required: false);
            object value = property.PropertyType == typeof(string) ? "value of " + property.Name
                : property.PropertyType == typeof(string[]) ? new[] { "value of " + property.Name }
                : new ITaskItem[] { new TaskItem(property.Name) };
            if (property.SetMethod is { IsPublic: true })
            {
                task.SetPropertyValue(info, value);
                Assert.Same(value, property.GetValue(task));
            }
            else
            {
                Assert.True(output, $"{property.Name} is neither settable nor an output");
                Assert.Throws<ArgumentException>(() => task.SetPropertyValue(info, value));
            }

            Assert.Same(property.GetValue(task), task.GetPropertyValue(info));
        }

        Assert.Throws<ArgumentException>(() => task.SetPropertyValue(new TaskPropertyInfo("NoSuchParameter", typeof(string), false, false), "x"));
    }

    /// <summary>
    /// The copy step takes MSBuild's copy lists as they are: each item is copied to the output
    /// folder joined with its TargetPath, relative item specs are under the project's folder,
    /// and a copy whose source changed under an old timestamp is removed so MSBuild copies again.
    /// </summary>
    [Fact]
    public void The_copy_step_takes_the_sdk_copy_lists_and_removes_a_stale_copy()
    {
        using var dir = new Support.TempDirectory();
        string project = Path.Combine(dir.Path, "proj");
        string source = dir.File("proj/config/settings.json", "{ \"v\": 1 }");
        string passedOn = dir.File("lib/data.txt", "d1");
        string copy = Path.Combine(project, "bin", "settings.json");
        var engine = new FakeBuildEngine();
        CheckBuildStep Make() => new()
        {
            BuildEngine = engine,
            Step = "Copy",
            ProjectName = "P",
            ProjectDirectory = project,
            SnapshotFile = Path.Combine(project, "obj/p.iwsnapshot"),
            OutputDirectory = "bin/",
            CopiedFiles =
            [
                new TaskItem("config/settings.json", new Dictionary<string, string> { ["TargetPath"] = "settings.json" }),
                new TaskItem(passedOn, new Dictionary<string, string> { ["TargetPath"] = "data.txt" }),
            ],
        };

        Assert.True(Make().Execute(), string.Join("; ", engine.Errors.Select(e => e.Message)));
        var entries = Snapshots.SnapshotFile.Load(Path.Combine(project, "obj/p.iwsnapshot"))!.Find("copy")!.Entries.Values;
        Assert.Equal(
            new[] { (source, copy), (passedOn, Path.Combine(project, "bin", "data.txt")) }.OrderBy(e => e.Item1),
            entries.Select(e => (e.Path, e.Output)).OrderBy(e => e.Item1));
        Assert.All(entries, e => Assert.Equal(Snapshots.InputKind.CopyToOutput, e.Kind));

        // MSBuild copies; then one source changes under an old timestamp.
        dir.File("proj/bin/settings.json", "{ \"v\": 1 }");
        dir.File("proj/bin/data.txt", "d1");

        File.WriteAllText(source, "{ \"v\": 2 }");
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddHours(-1));
        Assert.True(Make().Execute());
        Assert.False(File.Exists(copy));
        Assert.True(File.Exists(Path.Combine(project, "bin", "data.txt")));
    }

    /// <summary>A copied item without a TargetPath is a coded error that names it, not a stack trace.</summary>
    [Fact]
    public void A_copied_item_without_a_target_path_is_a_coded_error()
    {
        using var dir = new Support.TempDirectory();
        var engine = new FakeBuildEngine();
        var task = new CheckBuildStep
        {
            BuildEngine = engine,
            Step = "Copy",
            ProjectName = "P",
            ProjectDirectory = dir.Path,
            SnapshotFile = Path.Combine(dir.Path, "p.iwsnapshot"),
            OutputDirectory = "bin/",
            CopiedFiles = [new TaskItem(dir.File("orphan.txt", "o"))],
        };

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.StartsWith("IW", error.Code);
        Assert.Contains("orphan.txt", error.Message);
    }

    private static CheckBuildStep CompileStep(FakeBuildEngine engine, Support.TempDirectory dir, params ITaskItem[] inputs) => new()
    {
        BuildEngine = engine,
        Step = "Compile",
        ProjectName = "P",
        SnapshotFile = Path.Combine(dir.Path, "p.iwsnapshot"),
        CompileStampFile = Path.Combine(dir.Path, "p.iwcompile"),
        Inputs = inputs,
    };

    private static TaskItem Item(string path, string kind) =>
        new(path, new Dictionary<string, string> { ["IncrementalWatchKind"] = kind });
}
