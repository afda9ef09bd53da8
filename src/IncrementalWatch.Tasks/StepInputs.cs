using IncrementalWatch.Snapshots;
using Microsoft.Build.Framework;

namespace IncrementalWatch.Tasks;

/// <summary>Turns <see cref="CheckBuildStep"/>'s parameters into a snapshot request's step and inputs.</summary>
internal static class StepInputs
{
    /// <summary>Compared by name, not with the generic enum parser a fresh MSBuild node would JIT-compile.</summary>
    public static BuildStep ParseStep(string step)
    {
        if (step.Equals(nameof(BuildStep.Resources), StringComparison.OrdinalIgnoreCase))
        {
            return BuildStep.Resources;
        }

        if (step.Equals(nameof(BuildStep.Compile), StringComparison.OrdinalIgnoreCase))
        {
            return BuildStep.Compile;
        }

        if (step.Equals(nameof(BuildStep.Copy), StringComparison.OrdinalIgnoreCase))
        {
            return BuildStep.Copy;
        }

        throw new InvalidDataException($"Step '{step}' is not one of {nameof(BuildStep.Resources)}, {nameof(BuildStep.Compile)}, {nameof(BuildStep.Copy)}.");
    }

    /// <summary>
    /// <paramref name="tagged"/> carries its kind (and output) as metadata; every other list is
    /// one kind of compile input, in the order of <see cref="CheckBuildStep"/>'s parameters.
    /// For the resources step, a .resx with GenerateResource="false" is left out: no .resources
    /// file is made from it.
    /// </summary>
    public static List<InputSpec> Collect(
        BuildStep step,
        ITaskItem[] tagged,
        ITaskItem[] sources,
        ITaskItem[] embeddedResources,
        ITaskItem[] references,
        ITaskItem[] analyzers,
        ITaskItem[] additionalFiles,
        ITaskItem[] analyzerConfigFiles,
        ITaskItem[] imports,
        ITaskItem[] extraInputs)
    {
        var inputs = new List<InputSpec>(tagged.Length + sources.Length + embeddedResources.Length + references.Length
            + analyzers.Length + additionalFiles.Length + analyzerConfigFiles.Length + imports.Length + extraInputs.Length);
        foreach (var item in tagged)
        {
            if (step == BuildStep.Resources && string.Equals(item.GetMetadata("GenerateResource"), "false", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            string kindText = item.GetMetadata("IncrementalWatchKind");
            if (!InputKindNames.TryParse(kindText, ignoreCase: true, out InputKind kind))
            {
                throw new InvalidDataException($"The input '{item.ItemSpec}' has IncrementalWatchKind '{kindText}', which is not an input kind.");
            }

            inputs.Add(new InputSpec(kind, item.GetMetadata("FullPath"), item.GetMetadata("IncrementalWatchOutput")));
        }

        Add(inputs, InputKind.Compile, sources);
        Add(inputs, InputKind.EmbeddedResource, embeddedResources);
        Add(inputs, InputKind.Reference, references);
        Add(inputs, InputKind.Analyzer, analyzers);
        Add(inputs, InputKind.AdditionalFile, additionalFiles);
        Add(inputs, InputKind.AnalyzerConfig, analyzerConfigFiles);
        Add(inputs, InputKind.Import, imports);
        Add(inputs, InputKind.Extra, extraInputs);
        return inputs;
    }

    private static void Add(List<InputSpec> inputs, InputKind kind, ITaskItem[] items)
    {
        foreach (var item in items)
        {
            inputs.Add(new InputSpec(kind, item.GetMetadata("FullPath"), string.Empty));
        }
    }
}
