using System.Text.Json.Serialization;

namespace IncrementalWatch.Contracts;

/// <summary>
/// One build the watch host asks of its warm build worker (IncrementalWatch.BuildWorker): what
/// `dotnet msbuild <see cref="ProjectFile"/> -t:Targets -p:Properties [-restore]` would do, run
/// by the MSBuild that is already loaded and warmed up in the worker. Sent as one JSON line.
/// </summary>
/// <param name="ProjectFile">The project to build.</param>
/// <param name="Targets">The targets, in order.</param>
/// <param name="Properties">The build's global properties (-p:Name=Value).</param>
/// <param name="Restore">Restore first, as -restore does (its own evaluation, then a fresh one for the build).</param>
/// <param name="ErrorsFile">Where the build's errors alone are written (the pages' error overlay); null for none.</param>
public sealed record WarmBuildRequest(string ProjectFile, IReadOnlyList<string> Targets, IReadOnlyDictionary<string, string> Properties, bool Restore, string? ErrorsFile);

/// <summary>The worker's answer to one <see cref="WarmBuildRequest"/>, as one JSON line.</summary>
/// <param name="ExitCode">0 when the build succeeded, 1 when it failed (its errors are already on the console).</param>
/// <param name="Failure">Why the worker itself could not build (not a build error); null when it could.</param>
public sealed record WarmBuildReply(int ExitCode, string? Failure = null);

/// <summary>The warm build protocol's serializers: one object per line.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WarmBuildRequest))]
[JsonSerializable(typeof(WarmBuildReply))]
public sealed partial class WarmBuildJson : JsonSerializerContext
{
}
