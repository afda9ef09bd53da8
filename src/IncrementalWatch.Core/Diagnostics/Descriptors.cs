namespace IncrementalWatch.Diagnostics;

/// <summary>
/// Every diagnostic the package reports: its code, severity, message format and the line the
/// README's table shows for it. The one place codes are defined; the tests check the README
/// table and every use in the sources and targets against <see cref="All"/>.
/// </summary>
public static class Descriptors
{
    public static readonly DiagnosticDescriptor IW1000 = new("IW1000", DiagnosticSeverity.Message, "IncrementalWatch snapshot of '{0}' ({1}): {2} inputs, {3} hashed ({4} bytes), {5} unchanged by stat, {6} ms, {7}.",
        "Cost of one step's snapshot: inputs, how many were hashed, how many were unchanged by stat, time, and whether the stat digest decided it (a no-op step's usual way) or the inputs were checked one by one.", Detailed: true);

    public static readonly DiagnosticDescriptor IW1001 = new("IW1001", DiagnosticSeverity.Message, "{0}: content changed but its timestamp did not advance; {1}.",
        "An input's content changed but its timestamp did not advance (the change MSBuild alone misses); what will be redone.");

    public static readonly DiagnosticDescriptor IW1002 = new("IW1002", DiagnosticSeverity.Message, "{0}: content changed; {1}.",
        "An input's content changed (with a newer timestamp); what will be redone.");

    public static readonly DiagnosticDescriptor IW1003 = new("IW1003", DiagnosticSeverity.Message, "{0}: new input; {1}.",
        "A new input; what will be redone.");

    public static readonly DiagnosticDescriptor IW1004 = new("IW1004", DiagnosticSeverity.Message, "{0}: input removed; {1}.",
        "An input was removed; what will be redone.");

    public static readonly DiagnosticDescriptor IW1005 = new("IW1005", DiagnosticSeverity.Message, "Property {0} changed from '{1}' to '{2}'; {3}.",
        "An output-shaping property changed value.");

    public static readonly DiagnosticDescriptor IW1006 = new("IW1006", DiagnosticSeverity.Message, "Package {0} now resolves to {2} (was {1}); {3}.",
        "A package now resolves to another version (compared with NuGet.Versioning, so `1.0` = `1.0.0`).");

    public static readonly DiagnosticDescriptor IW1007 = new("IW1007", DiagnosticSeverity.Message, "No previous snapshot of the {0} step of '{1}'; every input counts as changed and {2}.",
        "No previous snapshot for a step (first build, after clean, the package was just added, or an older version of it wrote the snapshot): everything counts as changed.");

    public static readonly DiagnosticDescriptor IW1008 = new("IW1008", DiagnosticSeverity.Message, "... and {0} more changed inputs of '{1}'; the snapshot is at {2}.",
        "More changed inputs than are listed one by one (the first 25 are).");

    public static readonly DiagnosticDescriptor IW1009 = new("IW1009", DiagnosticSeverity.Message, "IncrementalWatch is off in this build: its tasks need MSBuild 17.8 or later on .NET (dotnet build, SDK 8 or later), and this is MSBuild {0} on {1}. The build is a plain MSBuild build; its snapshots are kept for the next dotnet build. (Logged by the targets.)",
        "This MSBuild cannot load the tasks (Visual Studio's or MSBuild.exe on .NET Framework, Mono, MSBuild before 17.8): the build is a plain MSBuild build; snapshots are kept for the next `dotnet build`.");

    public static readonly DiagnosticDescriptor IW1101 = new("IW1101", DiagnosticSeverity.Message, "Stopped the app (pid {0}) that an earlier watch of this project left running.",
        "The app an earlier, hard-killed watch left running was stopped before starting a new one.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW1102 = new("IW1102", DiagnosticSeverity.Message, "{0} watched folder(s) on {1} ({2}, a file system that reports no change events) are polled every {4} to {5} ms, for example {3}; events are used everywhere else.",
        "Watched folders on a file system that delivers no change events (network shares, Docker Desktop, WSL2 and VM shares, FUSE, overlay) are polled; names the mount, its type and some of the folders. Said once per mount.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW1202 = new("IW1202", DiagnosticSeverity.Message, "{0}: target {1} did work in the second build ({2}, {3} ms), allowed by IncrementalWatchAllowedTarget",
        "A target did work in the second build, allowed by `IncrementalWatchAllowedTarget`.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW1203 = new("IW1203", DiagnosticSeverity.Message, "{0}: not built yet (no outputs, no snapshot): no outputs to check for staleness",
        "The project is not built yet: no outputs to check for staleness.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW2001 = new("IW2001", DiagnosticSeverity.Warning, "The snapshot '{0}' cannot be used ({1}); every input counts as changed.",
        "The snapshot file is unreadable, truncated or fails its checksum; everything counts as changed, so the build is still correct.");

    public static readonly DiagnosticDescriptor IW2002 = new("IW2002", DiagnosticSeverity.Warning, "The snapshot '{0}' is in format {1}, written by a newer IncrementalWatch; this version reads format {2}. Every input counts as changed.",
        "The snapshot was written in a newer format by a newer IncrementalWatch; everything counts as changed.");

    public static readonly DiagnosticDescriptor IW2101 = new("IW2101", DiagnosticSeverity.Warning, "Port {0} is still in use {1:0.#} s after the old app stopped; starting the new app anyway.",
        "The app's port was still in use 10 s after the old app stopped; the new app is started anyway (and will likely fail to bind).", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW2102 = new("IW2102", DiagnosticSeverity.Warning, "The app did not answer at {0} within {1:0.#} s.",
        "The new app did not answer (readiness URL or ports) within 60 s.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW2103 = new("IW2103", DiagnosticSeverity.Warning, "File-system events are unavailable ({0}); polling every {1} ms instead.",
        "File-system events are unavailable (for example the inotify watch limit); polling instead.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW2104 = new("IW2104", DiagnosticSeverity.Warning, "Processes of the old app are still present after SIGKILL: {0}.",
        "Processes of the old app were still present after SIGKILL (names the pids).", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW2105 = new("IW2105", DiagnosticSeverity.Warning, "The warm build worker cannot be used ({0}); each rebuild starts dotnet msbuild instead.",
        "The warm build worker (which keeps MSBuild loaded between rebuilds) could not start or failed; rebuilds go on as separate `dotnet msbuild` processes for the rest of the watch.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW2201 = new("IW2201", DiagnosticSeverity.Warning, "{0}: target {1} of {2} did work in a second build with nothing changed ({3}; {4} ms): {5}. This is known non-incremental behaviour outside your repository, so it does not fail the check; -p:IncrementalWatchVerifyStrict=true makes it fail",
        "A package's or the SDK's target did work in the second build; names the package (id and version) or the SDK, the defining file, the reason and what it wrote. An error with `IncrementalWatchVerifyStrict=true`.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW2202 = new("IW2202", DiagnosticSeverity.Warning, "{0}: {1} file(s) changed in the second build that no logged task wrote, so no target can be blamed: {2}",
        "Files the second build changed that no logged task wrote (listed once).", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3000 = new("IW3000", DiagnosticSeverity.Error, "{0} failed: {1}",
        "A task failed on bad input (for example an item with an unknown kind); names the value.");

    public static readonly DiagnosticDescriptor IW3001 = new("IW3001", DiagnosticSeverity.Error, "Cannot read the build input '{0}': {1}",
        "A build input exists but cannot be read; names it.");

    public static readonly DiagnosticDescriptor IW3002 = new("IW3002", DiagnosticSeverity.Error, "Cannot remove the stale output '{0}': {1}",
        "A stale output could not be removed; names it.");

    public static readonly DiagnosticDescriptor IW3003 = new("IW3003", DiagnosticSeverity.Error, "Cannot write '{0}': {1}",
        "The snapshot or stamp could not be written; names it.");

    public static readonly DiagnosticDescriptor IW3004 = new("IW3004", DiagnosticSeverity.Error, "Cannot read the package assets file '{0}': {1}",
        "`project.assets.json` could not be read; names it.");

    public static readonly DiagnosticDescriptor IW3005 = new("IW3005", DiagnosticSeverity.Error, "The IncrementalWatch task assembly '{0}' does not exist (IncrementalWatchTasksAssembly). Restore the package again, or point the property at a built IncrementalWatch.Tasks.dll. (Logged by the targets.)",
        "The task assembly (`IncrementalWatchTasksAssembly`) does not exist; names it.");

    public static readonly DiagnosticDescriptor IW3006 = new("IW3006", DiagnosticSeverity.Error, "IncrementalWatch's Watch and VerifyCacheInvalidation need MSBuild 17.8 or later on .NET (dotnet build, SDK 8 or later); this is MSBuild {0} on {1}. Run them with dotnet build. (Logged by the targets.)",
        "`Watch` or `VerifyCacheInvalidation` was run in an MSBuild that cannot load the tasks (see `IW1009`): run it with `dotnet build`.");

    public static readonly DiagnosticDescriptor IW3101 = new("IW3101", DiagnosticSeverity.Error, "Cannot start the app: {0}",
        "The app could not be started (names the program and the reason); the watch waits for a change.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3102 = new("IW3102", DiagnosticSeverity.Error, "'{0}' cannot be run: it has no RunCommand. Run the Watch target on an executable project.",
        "The project has no RunCommand (a library): Watch needs a runnable project.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3103 = new("IW3103", DiagnosticSeverity.Error, "Another IncrementalWatch host (pid {0}) is already watching '{1}'; stop it first.",
        "Another watch host is alive for this project (names its pid).", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3104 = new("IW3104", DiagnosticSeverity.Error, "Invalid value '{1}' for {0}: {2}",
        "A Watch property has an invalid value (names the property and value).", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3105 = new("IW3105", DiagnosticSeverity.Error, "The launch settings cannot be used: {0}",
        "launchSettings.json cannot be used (invalid JSON, or the named profile is missing).", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3106 = new("IW3106", DiagnosticSeverity.Error, "The watch host failed: {0}",
        "The watch host failed or exited with an error code.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3107 = new("IW3107", DiagnosticSeverity.Error, "{0} can run on several target frameworks ({1}). Choose one: dotnet build -t:Watch -f FRAMEWORK (or -p:TargetFramework=FRAMEWORK). (Logged by the targets.)",
        "A `TargetFrameworks` project can run on several frameworks; lists them: choose one with `-f`.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3108 = new("IW3108", DiagnosticSeverity.Error, "No watch of {0} is running (no '{1}'); start one with dotnet build -t:Watch. (Logged by the targets.)",
        "`-t:WatchRestart` found no running watch of the project.", Area: DiagnosticArea.Watch);

    public static readonly DiagnosticDescriptor IW3201 = new("IW3201", DiagnosticSeverity.Error, "{0}: the outputs were built from other content than the sources have now ({1} difference(s)): {2}",
        "Outputs built from other content than the sources have now; names the project and the files.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3202 = new("IW3202", DiagnosticSeverity.Error, "{0}: the outputs cannot be checked: there is no usable content snapshot '{1}' ({2}); were obj/ and bin/ restored from a cache made without IncrementalWatch?",
        "Outputs without a usable content snapshot (a cache made without the package).", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3203 = new("IW3203", DiagnosticSeverity.Error, "{0}: target {1} of {5} did work in a second build with nothing changed ({2}; {3} ms): {4}. If that is by design, allow it with <IncrementalWatchAllowedTarget Include=\"{1}\" />",
        "A target of your repository did real work in a second build; names it, the file defining it, the reason from the binary log, its time and what it wrote.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3204 = new("IW3204", DiagnosticSeverity.Error, "{0}: the {1} build failed (exit code {2}), so nothing can be verified; see {3}: {4}",
        "A build the verification ran failed; names the project and the log.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3205 = new("IW3205", DiagnosticSeverity.Error, "The binary log '{0}' cannot be read: {1}",
        "The binary log is missing or cannot be read.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3206 = new("IW3206", DiagnosticSeverity.Error, "{0}: the invalidation proof failed for {1} '{2}' ({3}): {4}",
        "Invalidation proof: an input changed with its timestamp kept did not change the outputs.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3207 = new("IW3207", DiagnosticSeverity.Error, "The project '{0}' does not reference IncrementalWatch, so its cache cannot be verified; add the package to it (for every project: a PackageReference in Directory.Build.props)",
        "A project of the solution, or one referenced, does not have the package.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3208 = new("IW3208", DiagnosticSeverity.Error, "The cache verification could not run: {0}",
        "The verifier could not run.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3209 = new("IW3209", DiagnosticSeverity.Error, "{0}: the outputs cannot be vouched for: the content snapshot '{1}' was recorded for the project in {2}, not in {3} (obj/ was restored from another folder); build here once to record this folder's content",
        "The content snapshot was recorded for the project in another folder (an `obj/` restored elsewhere): the outputs cannot be vouched for.", Area: DiagnosticArea.Verify);

    public static readonly DiagnosticDescriptor IW3210 = new("IW3210", DiagnosticSeverity.Error, "{0}: {1} file(s) changed in the second build that no logged task wrote (an error under IncrementalWatchVerifyStrict): {2}",
        "As `IW2202`, under `IncrementalWatchVerifyStrict=true`.", Area: DiagnosticArea.Verify);

    /// <summary>All of them, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
    [
        IW1000, IW1001, IW1002, IW1003, IW1004, IW1005, IW1006, IW1007,
        IW1008, IW1009, IW1101, IW1102, IW1202, IW1203, IW2001, IW2002, IW2101,
        IW2102, IW2103, IW2104, IW2105, IW2201, IW2202, IW3000, IW3001, IW3002,
        IW3003, IW3004, IW3005, IW3006, IW3101, IW3102, IW3103, IW3104,
        IW3105, IW3106, IW3107, IW3108, IW3201, IW3202, IW3203, IW3204, IW3205,
        IW3206, IW3207, IW3208, IW3209, IW3210,
    ];
}
