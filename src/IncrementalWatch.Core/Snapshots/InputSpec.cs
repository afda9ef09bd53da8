namespace IncrementalWatch.Snapshots;

/// <summary>An input the build names, before it is examined.</summary>
/// <param name="Kind">What the input is for.</param>
/// <param name="Path">Its path (made full when the snapshot is taken).</param>
/// <param name="Output">The output made from this input alone (a .resources file, a copy), or empty.</param>
/// <remarks>
/// A class, not a struct: a list of a struct type from this assembly is a generic instantiation
/// that no precompiled image holds, so every fresh MSBuild node would JIT-compile it.
/// </remarks>
public sealed record InputSpec(InputKind Kind, string Path, string Output = "");
