using IncrementalWatch.Tests.Support;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// One way content reaches a build: what is changed, how, which line of the App's output shows
/// it, and whether plain MSBuild (without the package) hands back the old program.
/// </summary>
/// <param name="Name">The case's name in test results.</param>
/// <param name="Key">The App output line that shows the content.</param>
/// <param name="Expected">That line's value after a correct build.</param>
/// <param name="StaleWithoutPackage">True when plain MSBuild keeps the old value (the bug the package fixes).</param>
/// <param name="Change">Changes the workspace (may build it first, e.g. to restore an older tree).</param>
/// <param name="Logged">With the package: text the build log must contain (the IW code and file).</param>
public sealed record StaleInputCase(string Name, string Key, string Expected, bool StaleWithoutPackage, Action<TestWorkspace> Change, string? Logged)
{
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    public static readonly IReadOnlyList<StaleInputCase> All =
    [
        Older("app-csharp-older-mtime", "App/Code.cs", "app-code"),
        Older("app-embedded-older-mtime", "App/Data/embedded.txt", "app-embedded"),
        Older("app-resx-older-mtime", "App/Strings.resx", "app-resx"),
        Older("app-copy-older-mtime", "App/app-data.txt", "app-copy"),
        Older("lib-csharp-older-mtime", "Lib/LibCode.cs", "lib-code"),
        Older("lib-embedded-older-mtime", "Lib/Data/embedded.txt", "lib-embedded"),
        Older("lib-resx-older-mtime", "Lib/LibStrings.resx", "lib-resx"),
        Older("lib-copy-older-mtime", "Lib/lib-data.txt", "lib-copy"),
        new("same-size-edit-exact-mtime", "lib-code", "lib-code v2", true,
            ws => FileEdits.ReplaceSameSizeKeepingExactTime(ws.PathOf("Lib/LibCode.cs"), "lib-code v1", "lib-code v2"),
            "IW1001: " + "{root}/Lib/LibCode.cs"),
        // An IfDifferent copy is skipped when size and time match, so plain MSBuild keeps the old
        // copy; the package checks every item MSBuild's copy steps take, referenced ones too.
        new("lib-ifdifferent-same-size-exact-mtime", "lib-differ", "lib-differ v2", true,
            ws => FileEdits.ReplaceSameSizeKeepingExactTime(ws.PathOf("Lib/lib-differ.txt"), "lib-differ v1", "lib-differ v2"),
            "IW1001: " + "{root}/Lib/lib-differ.txt"),
        new("rename-over-keeping-mtime", "app-code", "app-code v1-renamed-over", true,
            ws => FileEdits.RenameOverKeepingTime(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v1-renamed-over"),
            "IW1001: " + "{root}/App/Code.cs"),
        new("tree-restore-with-old-mtimes", "app-copy", "app-copy v1", true, RestoreOlderTree, "IW1001: " + "{root}/App/app-data.txt"),
        new("deleted-input", "features", "Alpha", false,
            ws => File.Delete(ws.PathOf("App/Features/Beta.cs")),
            "IW1004: " + "{root}/App/Features/Beta.cs"),
        new("added-input-old-mtime", "features", "Alpha,Beta,Gamma", false,
            ws =>
            {
                string path = ws.PathOf("App/Features/Gamma.cs");
                File.WriteAllText(path, "namespace App.Features;\n\npublic sealed class Gamma;\n");
                File.SetLastWriteTimeUtc(path, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            },
            "IW1003: " + "{root}/App/Features/Gamma.cs"),
        new("normal-edit", "app-code", "app-code v2-normal", false,
            ws => FileEdits.Replace(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v2-normal"),
            "IW1002: " + "{root}/App/Code.cs"),
    ];

    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    public static StaleInputCase Named(string name) => All.Single(c => c.Name == name);

    public override string ToString() => Name;

    /// <summary>cp -p / rsync -a / a cache restore: new content, and a time older than the outputs.</summary>
    private static StaleInputCase Older(string name, string file, string key) =>
        new(name, key, $"{key} v2-older", true,
            ws => FileEdits.ReplaceWithOlderTime(ws.PathOf(file), $"{key} v1", $"{key} v2-older", OneHour),
            "IW1001: " + "{root}/" + file);

    /// <summary>
    /// Saves the tree as it is (v1, with its times), edits it normally and builds (v2), then
    /// restores the saved tree with cp -p: the v1 files come back with their older times.
    /// </summary>
    private static void RestoreOlderTree(TestWorkspace ws)
    {
        string saved = ws.PathOf("saved-tree");
        Directory.CreateDirectory(saved);
        foreach (string file in new[] { "App/app-data.txt", "App/Code.cs" })
        {
            var copy = ProcessRunner.Run("cp", ["-p", ws.PathOf(file), Path.Combine(saved, Path.GetFileName(file))], ws.Root);
            Assert.True(copy.Succeeded, copy.Output);
        }

        FileEdits.Replace(ws.PathOf("App/app-data.txt"), "app-copy v1", "app-copy v2-newer");
        FileEdits.Replace(ws.PathOf("App/Code.cs"), "app-code v1", "app-code v2-newer");
        ws.BuildOk();
        var built = ws.RunApp();
        Assert.Equal("app-copy v2-newer", built["app-copy"]);

        foreach (string file in new[] { "App/app-data.txt", "App/Code.cs" })
        {
            var restore = ProcessRunner.Run("cp", ["-p", Path.Combine(saved, Path.GetFileName(file)), ws.PathOf(file)], ws.Root);
            Assert.True(restore.Succeeded, restore.Output);
        }
    }
}
