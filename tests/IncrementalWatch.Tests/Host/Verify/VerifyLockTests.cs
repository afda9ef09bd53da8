using IncrementalWatch.Host.Verify;

namespace IncrementalWatch.Tests.Host.Verify;

public sealed class VerifyLockTests
{
    [Fact]
    public async Task The_lock_excludes_a_second_holder_and_leaves_no_file_behind()
    {
        using var dir = new Support.TempDirectory();
        string path = VerifyLock.PathFor(dir.Path);
        using (await VerifyLock.AcquireAsync(dir.Path, TimeSpan.FromSeconds(10)))
        {
            Assert.True(File.Exists(path));
            await Assert.ThrowsAsync<IOException>(() => VerifyLock.AcquireAsync(dir.Path, TimeSpan.FromMilliseconds(300)));
        }

        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            Assert.False(File.Exists(path));
        }
    }

    /// <summary>
    /// Holders remove the file on release while waiters are opening it: never two holders at once
    /// (a waiter that locked the removed file must notice and try again).
    /// </summary>
    [Fact]
    public async Task Waiters_racing_a_release_never_hold_the_lock_together()
    {
        using var dir = new Support.TempDirectory();
        int holders = 0;
        int overlaps = 0;
        var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 15; i++)
            {
                using (await VerifyLock.AcquireAsync(dir.Path, TimeSpan.FromSeconds(60)))
                {
                    if (Interlocked.Increment(ref holders) > 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }

                    await Task.Delay(2);
                    Interlocked.Decrement(ref holders);
                }
            }
        })).ToArray();

        var all = Task.WhenAll(workers);
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(2))));
        await all;
        Assert.Equal(0, overlaps);
        Assert.False(OperatingSystem.IsLinux() && File.Exists(VerifyLock.PathFor(dir.Path)));
    }
}
