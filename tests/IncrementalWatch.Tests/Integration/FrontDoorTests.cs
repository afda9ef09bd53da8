using System.Net.WebSockets;
using System.Text;
using IncrementalWatch.Host.Apps;
using IncrementalWatch.Tests.Support;
using Xunit.Abstractions;

namespace IncrementalWatch.Tests.Integration;

/// <summary>
/// `dotnet build -t:Watch` on the WebApp asset (ASP.NET Core), through the packed package: the
/// front door holds the app's port, so restarts refuse nothing, requests in flight finish, and
/// WebSockets come back; an app that cannot run twice at once falls back to stop-then-start.
/// </summary>
public sealed class FrontDoorTests
{
    private readonly ITestOutputHelper _output;

    public FrontDoorTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task ASteadyClientSeesNoFailedRequestAcrossRestartsAndLongRequestsAndWebSocketsSurvive()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();
        string greeting = workspace.PathOf("Greeting.cs");
        using var watch = WatchRun.Start(workspace, port);
        int firstPid = WatchRun.PidOf(await watch.WaitForContentAsync("hello v1"));
        await watch.WaitForOutputAsync("behind a front door");

        using var client = new SteadyClient(port);
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), Bounded(10));
        Assert.Equal($"one pid={firstPid}", await EchoAsync(socket, "one"));

        // A long request started before the edit is answered by the old instance, in full.
        var inFlight = watch.GetAsync("/slow?ms=2500");
        await Task.Delay(300);
        for (int version = 2; version <= 4; version++)
        {
            FileEdits.Replace(greeting, $"hello v{version - 1}", $"hello v{version}");
            await watch.WaitForContentAsync($"hello v{version}", TimeSpan.FromSeconds(90));
            await watch.WaitForOutputAsync("start beside the old one", count: version - 1);
        }

        Assert.Equal($"slow hello v1 pid={firstPid}", await inFlight);
        await Task.Delay(500);
        var (ok, failed, errors) = await client.StopAsync();
        _output.WriteLine($"steady client: {ok} answered, {failed} failed");
        Assert.True(failed == 0, $"{failed} of {ok + failed} requests failed across 3 restarts: {string.Join("; ", errors.Take(5))}\n{watch.Output}");
        Assert.True(ok > 50, $"the client got only {ok} answers");

        // The old instance closed the WebSocket when it stopped; a new one reaches the new instance.
        var closed = await ReceiveCloseAsync(socket);
        Assert.True(closed, "the WebSocket to a stopped instance should be closed, not left hanging");
        using var again = new ClientWebSocket();
        await again.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/ws"), Bounded(10));
        string echo = await EchoAsync(again, "two");
        Assert.StartsWith("two pid=", echo);
        Assert.NotEqual(firstPid, WatchRun.PidOf(echo));

        // Only one instance is left, and the record names it.
        var record = AppRecord.Load(watch.RecordFile)!;
        Assert.Equal(WatchRun.PidOf(echo), record.AppPid);
        Assert.Equal(0, record.OldPid);
        Assert.False(IncrementalWatch.Host.Processes.UnixNative.Exists(firstPid) && !IncrementalWatch.Host.Processes.ProcessTree.IsZombie(firstPid));
        workspace.Pass();
    }

    [Fact]
    public async Task ANewInstanceThatCannotStartBesideTheOldOneIsStartedAfterItStopsAndTheAppStaysStopThenStart()
    {
        using var workspace = TestWorkspace.Create("WebApp", withPackage: true, _output);
        int port = ChildApp.FreePort();

        // The app holds an exclusive lock on a file while it runs, as an embedded database does.
        string settings = workspace.PathOf("Properties/launchSettings.json");
        string lockFile = workspace.PathOf("data.lock");
        File.WriteAllText(settings, File.ReadAllText(settings).Replace("\"WEBAPP_PROFILE\"", $"\"WEBAPP_LOCK_FILE\": \"{lockFile}\", \"WEBAPP_PROFILE\"", StringComparison.Ordinal));
        using var watch = WatchRun.Start(workspace, port);
        await watch.WaitForContentAsync("hello v1");
        using var client = new SteadyClient(port);

        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "hello v1", "hello v2");
        await watch.WaitForContentAsync("hello v2", TimeSpan.FromSeconds(90));
        await watch.WaitForOutputAsync("restarts stop-then-start for the rest of this watch");
        Assert.Contains("cannot lock", watch.Output);

        // The next edit goes straight to stop-then-start: no second attempt beside the old one.
        FileEdits.Replace(workspace.PathOf("Greeting.cs"), "hello v2", "hello v3");
        await watch.WaitForContentAsync("hello v3", TimeSpan.FromSeconds(90));
        Assert.Equal(1, watch.Occurrences("cannot lock"));
        Assert.Equal(1, watch.Occurrences("for the rest of this watch"));

        // Requests were held while no instance ran, not refused.
        var (ok, failed, errors) = await client.StopAsync();
        Assert.True(failed == 0, $"{failed} of {ok + failed} requests failed: {string.Join("; ", errors.Take(5))}");
        workspace.Pass();
    }

    private static CancellationToken Bounded(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static async Task<string> EchoAsync(ClientWebSocket socket, string text)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, Bounded(10));
        var buffer = new byte[4096];
        var received = await socket.ReceiveAsync(buffer, Bounded(10));
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }

    private static async Task<bool> ReceiveCloseAsync(ClientWebSocket socket)
    {
        try
        {
            var received = await socket.ReceiveAsync(new byte[256], Bounded(30));
            return received.MessageType == WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            return socket.State is WebSocketState.Aborted or WebSocketState.Closed;
        }
    }


    /// <summary>A loopback client that sends GET / back to back (new connections and kept-alive ones) and counts what fails.</summary>
    private sealed class SteadyClient : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly List<string> _errors = [];
        private int _ok;
        private int _failed;

        public SteadyClient(int port)
        {
            _loop = Task.Run(async () =>
            {
                using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(100) };
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await http.GetAsync($"http://127.0.0.1:{port}/");
                        string body = await response.Content.ReadAsStringAsync();
                        if (response.IsSuccessStatusCode && body.Contains("pid=", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref _ok);
                        }
                        else
                        {
                            Fail($"{(int)response.StatusCode} {body}");
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        Fail(ex.Message);
                    }

                    await Task.Delay(10);
                }
            });
        }

        public async Task<(int Ok, int Failed, List<string> Errors)> StopAsync()
        {
            _stop.Cancel();
            await _loop.WaitAsync(TimeSpan.FromSeconds(110));
            lock (_errors)
            {
                return (_ok, _failed, [.. _errors]);
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        private void Fail(string error)
        {
            Interlocked.Increment(ref _failed);
            lock (_errors)
            {
                _errors.Add(error);
            }
        }
    }
}
