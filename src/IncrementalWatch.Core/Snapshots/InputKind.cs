namespace IncrementalWatch.Snapshots;

/// <summary>The role an input plays in a build; it decides which work a change invalidates.</summary>
public enum InputKind
{
    /// <summary>A C# source file (Compile item).</summary>
    Compile,

    /// <summary>A file embedded by the compiler: a non-resx EmbeddedResource or a generated .resources file.</summary>
    EmbeddedResource,

    /// <summary>A .resx turned into a .resources file by resource generation.</summary>
    Resx,

    /// <summary>AdditionalFiles given to analyzers and source generators.</summary>
    AdditionalFile,

    /// <summary>.editorconfig and global analyzer config files.</summary>
    AnalyzerConfig,

    /// <summary>Analyzer and source generator assemblies.</summary>
    Analyzer,

    /// <summary>An assembly the project compiles against, including what a referenced project produced.</summary>
    Reference,

    /// <summary>The project file and the MSBuild files it imports.</summary>
    Import,

    /// <summary>An item copied to the output folder when newer (PreserveNewest).</summary>
    CopyToOutput,

    /// <summary>An extra input the user named with an IncrementalWatchInput item.</summary>
    Extra,
}

/// <summary>Reads <see cref="InputKind"/> names without the generic enum parser, which a fresh MSBuild node would JIT-compile.</summary>
public static class InputKindNames
{
    private static readonly string[] Names =
    [
        nameof(InputKind.Compile), nameof(InputKind.EmbeddedResource), nameof(InputKind.Resx), nameof(InputKind.AdditionalFile),
        nameof(InputKind.AnalyzerConfig), nameof(InputKind.Analyzer), nameof(InputKind.Reference), nameof(InputKind.Import),
        nameof(InputKind.CopyToOutput), nameof(InputKind.Extra),
    ];

    public static bool TryParse(ReadOnlySpan<char> text, bool ignoreCase, out InputKind kind)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        for (int i = 0; i < Names.Length; i++)
        {
            if (text.Equals(Names[i], comparison))
            {
                kind = (InputKind)i;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
