using System.Text;

namespace IncrementalWatch.Host.Watch;

/// <summary>One mounted file system: where it is mounted and its type (ext4, 9p, nfs4, ...).</summary>
public sealed record Mount(string MountPoint, string FileSystemType);

/// <summary>
/// The mounted file systems (Linux: /proc/self/mountinfo) and which of them deliver no
/// file-system events for changes made elsewhere: network shares, the VM and container shares
/// of Docker Desktop, WSL2 and hypervisors, FUSE file systems, overlay mounts. A watched folder
/// on one of those is polled; everywhere else events are used. macOS and Windows have no such
/// table here (the table is empty and every folder uses events): FSEvents and
/// ReadDirectoryChangesW report local changes, and SMB shares there would need the volume's
/// type (statfs's f_fstypename, GetVolumeInformation), which is not read yet.
/// </summary>
public sealed class MountTable
{
    /// <summary>File-system types whose changes may come from outside this kernel, so inotify never sees them.</summary>
    public static readonly IReadOnlySet<string> EventlessTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "9p", "drvfs", "virtiofs", "fakeowner", "overlay", "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs",
        "vboxsf", "prl_fs", "vmhgfs", "ceph", "glusterfs", "lustre", "gpfs", "afs", "fuse",
    };

    private readonly List<Mount> _mounts;

    private MountTable(List<Mount> mounts) =>
        _mounts = mounts.OrderByDescending(m => m.MountPoint.Length).ToList();

    public IReadOnlyList<Mount> Mounts => _mounts;

    /// <summary>This machine's table (empty where there is no /proc/self/mountinfo).</summary>
    public static MountTable Current()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Parse(File.ReadAllText("/proc/self/mountinfo")) : new MountTable(new List<Mount>());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new MountTable(new List<Mount>());
        }
    }

    /// <summary>Reads mountinfo lines: "id parent major:minor root mount-point options [optional...] - type source super-options".</summary>
    public static MountTable Parse(string mountinfo)
    {
        var mounts = new List<Mount>();
        foreach (string line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 0 || separator + 1 >= fields.Length)
            {
                continue;
            }

            mounts.Add(new Mount(Unescape(fields[4]), fields[separator + 1]));
        }

        return new MountTable(mounts);
    }

    /// <summary>Whether changes on this file-system type are reported by the kernel's events.</summary>
    public static bool DeliversEvents(string fileSystemType) =>
        !EventlessTypes.Contains(fileSystemType) && !fileSystemType.StartsWith("fuse.", StringComparison.Ordinal);

    /// <summary>The mount a path lies on: the longest mount point that contains it; null when none is known.</summary>
    public Mount? MountOf(string path)
    {
        foreach (var mount in _mounts)
        {
            string point = mount.MountPoint;
            if (point == "/" || path == point || path.StartsWith(point.TrimEnd('/') + "/", StringComparison.Ordinal))
            {
                return mount;
            }
        }

        return null;
    }

    /// <summary>Whether a change in this folder is reported by events (true when the mount is unknown).</summary>
    public bool DeliversEventsFor(string folder) => MountOf(folder) is not { } mount || DeliversEvents(mount.FileSystemType);

    /// <summary>mountinfo writes space, tab, newline and backslash as \040, \011, \012 and \134.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var result = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                result.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                result.Append(field[i]);
            }
        }

        return result.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
