using System.Text;
using IncrementalWatch.Contracts;

namespace IncrementalWatch.Host.Verify;


/// <summary>
/// Changes a file's content the way the proof needs (so that a correct build must change its
/// outputs) and puts its timestamp back, as cp -p, a cache restore or a fast checkout leave
/// it. Only ever used on the scratch copy of a workspace.
/// </summary>
public static class InputMutation
{
    /// <summary>Changes <paramref name="path"/> with <paramref name="marker"/>; returns what was done.</summary>
    public static string Apply(string path, ProofKind kind, string marker)
    {
        DateTime written = File.GetLastWriteTimeUtc(path);
        string description;
        switch (kind)
        {
            case ProofKind.Source:
                File.AppendAllText(path, $"\ninternal static class IncrementalWatchProof{marker} {{ }}\n");
                description = $"added type IncrementalWatchProof{marker}";
                break;
            case ProofKind.ResxResource or ProofKind.SatelliteResx:
                string resx = File.ReadAllText(path);
                int end = resx.LastIndexOf("</root>", StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new InvalidDataException($"'{path}' has no </root> element.");
                }

                File.WriteAllText(path, resx.Insert(end, $"  <data name=\"IncrementalWatchProof{marker}\" xml:space=\"preserve\"><value>{marker}</value></data>\n"), new UTF8Encoding(false));
                description = $"added string IncrementalWatchProof{marker}";
                break;
            case ProofKind.Razor:
                File.AppendAllText(path, $"\n<span hidden>IncrementalWatchProof{marker}</span>\n");
                description = $"added markup IncrementalWatchProof{marker}";
                break;
            default:
                using (var stream = new FileStream(path, FileMode.Append, FileAccess.Write))
                {
                    stream.Write(Encoding.UTF8.GetBytes($"\n{marker}\n"));
                }

                description = $"appended '{marker}'";
                break;
        }

        File.SetLastWriteTimeUtc(path, written);
        return description + ", timestamp kept";
    }
}
