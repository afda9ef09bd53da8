using System.Globalization;
using System.Text;
using IncrementalWatch.FileSystem;
using IncrementalWatch.Host.Processes;

namespace IncrementalWatch.Host.Apps;

/// <summary>
/// The app the host is running, recorded in obj/ (pid, process group, start time, and the
/// host's own pid and start time). When the host is killed hard, the next host reads the record
/// and stops the instance that was left, but only if that pid is still the same process.
/// </summary>
public sealed record AppRecord(int AppPid, int AppGroup, long AppStart, int HostPid, long HostStart)
{
    public static AppRecord For(ChildProcess app) =>
        new(app.Id, app.GroupId, app.StartIdentity, Environment.ProcessId, ProcessIdentity.StartTimeOf(Environment.ProcessId) ?? 0);

    public void Save(string path)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"app {AppPid} {AppGroup} {AppStart}\nhost {HostPid} {HostStart}\n");
        AtomicFile.Write(path, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Reads a record; null when there is none or it cannot be understood.</summary>
    public static AppRecord? Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        long[]? app = Fields(lines, "app", 3);
        long[]? host = Fields(lines, "host", 2);
        return app is null || host is null ? null : new AppRecord((int)app[0], (int)app[1], app[2], (int)host[0], host[1]);
    }

    /// <summary>Whether the host that wrote the record is still running.</summary>
    public bool HostAlive => HostPid != Environment.ProcessId && ProcessIdentity.IsSame(HostPid, HostStart);

    /// <summary>Whether the recorded app is still running (and is the same process).</summary>
    public bool AppAlive => ProcessIdentity.IsSame(AppPid, AppStart);

    private static long[]? Fields(string[] lines, string key, int count)
    {
        foreach (string line in lines)
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == count + 1 && parts[0] == key)
            {
                var values = new long[count];
                for (int i = 0; i < count; i++)
                {
                    if (!long.TryParse(parts[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i]))
                    {
                        return null;
                    }
                }

                return values;
            }
        }

        return null;
    }
}
