using System.Globalization;

namespace IncrementalWatch.Host.Processes;

/// <summary>
/// Finds the processes that belong to an app: every member of its process group, and every
/// descendant of it, including those that moved to a group of their own. Reads /proc on
/// Linux; elsewhere only the group is known (kill(-pgid) still reaches it).
/// </summary>
public static class ProcessTree
{
    /// <summary>The pids (other than <paramref name="rootPid"/>) in its group or below it.</summary>
    public static IReadOnlyList<int> MembersOf(int rootPid, int groupId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Array.Empty<int>();
        }

        var parents = new Dictionary<int, int>();
        var groups = new Dictionary<int, int>();
        foreach (string dir in SafeEnumerate("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && TryReadStat(pid, out int parent, out int group))
            {
                parents[pid] = parent;
                groups[pid] = group;
            }
        }

        var members = new HashSet<int>();
        foreach (var (pid, group) in groups)
        {
            if (group == groupId && pid != rootPid)
            {
                members.Add(pid);
            }
        }

        // Descendants: walk each process's parent chain up to the root.
        foreach (int pid in parents.Keys)
        {
            int current = pid;
            for (int depth = 0; depth < 64 && parents.TryGetValue(current, out int parent) && parent > 1; depth++)
            {
                if (parent == rootPid)
                {
                    members.Add(pid);
                    break;
                }

                current = parent;
            }
        }

        members.Remove(rootPid);
        return members.ToList();
    }

    /// <summary>
    /// Whether any live process is still in the group. On Linux zombies do not count: an orphan
    /// that exited waits for its new parent (init, or a container's first process, which may
    /// never reap) and holds no port or file.
    /// </summary>
    public static bool GroupExists(int groupId)
    {
        if (OperatingSystem.IsWindows() || !UnixNative.Exists(-groupId))
        {
            return false;
        }

        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        foreach (string dir in SafeEnumerate("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && TryReadStat(pid, out _, out int group) && group == groupId && !IsZombie(pid))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool TryReadStat(int pid, out int parent, out int group)
    {
        parent = group = 0;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        string[] fields = text[(close + 2)..].Split(' ');
        return fields.Length > 2
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out parent)
            && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out group);
    }

    /// <summary>True when the process is a zombie (exited, not yet reaped by its parent).</summary>
    internal static bool IsZombie(int pid)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{pid}/stat");
            int close = text.LastIndexOf(')');
            return close > 0 && close + 2 < text.Length && text[close + 2] == 'Z';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IEnumerable<string> SafeEnumerate(string path)
    {
        try
        {
            return Directory.GetDirectories(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }
}
