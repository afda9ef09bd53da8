namespace IncrementalWatch.Snapshots;

/// <summary>An input the build names, before it is examined.</summary>
/// <param name="Kind">What the input is for.</param>
/// <param name="Path">Its path (made full when the snapshot is taken).</param>
/// <param name="Output">The output made from this input alone (a .resources file, a copy), or empty.</param>
public readonly record struct InputSpec(InputKind Kind, string Path, string Output = "");
