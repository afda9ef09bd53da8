using System.Globalization;
using System.Text;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Snapshots;

namespace IncrementalWatch.Tests.Core;

public sealed class StatDigestTests
{
    private static readonly Dictionary<string, string> Properties = new() { ["TargetFramework"] = "net8.0", ["DefineConstants"] = "DEBUG;TRACE" };

    // The digest as it was defined before it was hashed line by line: the whole text, hashed once.
    private static ContentHash AsWholeText(IReadOnlyList<InputSpec> inputs, FileFacts[] facts, IReadOnlyDictionary<string, string> properties)
    {
        var text = new StringBuilder();
        for (int i = 0; i < inputs.Count; i++)
        {
            var f = facts[i];
            text.Append((int)inputs[i].Kind).Append('\t').Append(inputs[i].Path).Append('\t').Append(inputs[i].Output).Append('\t')
                .Append(f.Exists ? '1' : '0').Append('\t')
                .Append(f.Length.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.ModifiedNs.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.ChangedNs.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.Device.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(f.FileId.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        foreach (var name in properties.Keys.Order(StringComparer.Ordinal))
        {
            text.Append("prop\t").Append(name).Append('=').Append(properties[name]).Append('\n');
        }

        return ContentHash.OfText(text.ToString());
    }

    private static (List<InputSpec> Inputs, FileFacts[] Facts) Sample(string longName)
    {
        var inputs = new List<InputSpec>
        {
            new(InputKind.Compile, "/src/a.cs", ""),
            new(InputKind.Resx, "/src/é/Strings.fr.resx", "/obj/Strings.fr.resources"),
            new(InputKind.Reference, "/refs/" + longName + ".dll", ""),
            new(InputKind.Compile, "/src/gone.cs", ""),
        };
        var facts = new[]
        {
            new FileFacts(true, 10, 1_700_000_000_123_456_789, 1_700_000_001_000_000_000, 2049, 77, true),
            new FileFacts(true, 3, -5, 6, ulong.MaxValue, 9, true),
            new FileFacts(true, 123_456, 7, 8, 1, 2, true),
            FileFacts.Missing,
        };
        return (inputs, facts);
    }

    [Fact]
    public void Hashed_line_by_line_it_equals_the_whole_text_hashed_once_even_for_a_line_longer_than_the_buffer()
    {
        foreach (var longName in new[] { "short", new string('ü', 5000) })
        {
            var (inputs, facts) = Sample(longName);
            Assert.Equal(AsWholeText(inputs, facts, Properties), StatDigest.Of(inputs, facts, Properties));
        }
    }

    [Fact]
    public void Any_fact_path_output_or_property_changes_it()
    {
        var (inputs, facts) = Sample("short");
        var baseline = StatDigest.Of(inputs, facts, Properties);

        var moved = (FileFacts[])facts.Clone();
        moved[0] = moved[0] with { ChangedNs = moved[0].ChangedNs + 1 };
        Assert.NotEqual(baseline, StatDigest.Of(inputs, moved, Properties));

        var otherId = (FileFacts[])facts.Clone();
        otherId[2] = otherId[2] with { FileId = 3 };
        Assert.NotEqual(baseline, StatDigest.Of(inputs, otherId, Properties));

        var otherOutput = new List<InputSpec>(inputs) { [1] = inputs[1] with { Output = "/obj/other.resources" } };
        Assert.NotEqual(baseline, StatDigest.Of(otherOutput, facts, Properties));

        var otherProperties = new Dictionary<string, string>(Properties) { ["DefineConstants"] = "DEBUG" };
        Assert.NotEqual(baseline, StatDigest.Of(inputs, facts, otherProperties));
    }
}
