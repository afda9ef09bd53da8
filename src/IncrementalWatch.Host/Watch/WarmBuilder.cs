using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IncrementalWatch.Contracts;
using IncrementalWatch.Diagnostics;
using IncrementalWatch.Host.Processes;
using IncrementalWatch.Host.Terminal;

namespace IncrementalWatch.Host.Watch;

/// <summary>
/// Rebuilds in the warm build worker (IncrementalWatch.BuildWorker): one process, started at the
/// first build and kept for the watch, in which the SDK's own MSBuild stays loaded and jitted.
/// A rebuild is what <see cref="BuildRunner"/>'s `dotnet msbuild` would do, with the same
/// arguments, loggers, errors file and compiler-server setting, minus MSBuild's start-up.
/// Each build evaluates afresh; a change to a project, props or targets file also restarts the
/// worker, so no task assembly or SDK state outlives what it came from.
/// When the worker cannot start or fails, IW2105 says so once and every later rebuild is a
/// <see cref="BuildRunner"/> process, as before; a build in flight is then redone that way, so
/// no change is lost. Cancelling a build kills the worker and everything it started.
/// </summary>
public sealed class WarmBuilder : IProjectBuilder, IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly WatchOptions _options;
    private readonly BuildRunner _cold;
    private readonly ConsoleSink? _output;
    private readonly WatchConsole _console;
    private Worker? _worker;
    private bool _off;
    private bool _recycle;

    public WarmBuilder(WatchOptions options, WatchConsole console, ConsoleSink? output)
    {
        _options = options;
        _console = console;
        _output = output;
        _cold = new BuildRunner(options, output);
    }

    /// <summary>The worker, where the package ships it: worker/ beside the host.</summary>
    public static string WorkerAssembly => Path.Combine(AppContext.BaseDirectory, "worker", "IncrementalWatch.BuildWorker.dll");

    public async Task<BuildResult> BuildAsync(bool restore, CancellationToken cancellation)
    {
        if (!_off)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                if (_recycle)
                {
                    // New packages or imports may bring new task assemblies: a new worker loads them.
                    _recycle = false;
                    await StopWorkerAsync().ConfigureAwait(false);
                }

                _worker ??= await Worker.StartAsync(_options, _output, cancellation).ConfigureAwait(false);
                var request = new WarmBuildRequest(_options.ProjectFile, BuildRunner.Targets, BuildRunner.PropertiesOf(BuildRunner.PropertiesFor(_options)), restore, _cold.ErrorsFile);
                int exitCode = await _worker.BuildAsync(request, cancellation).ConfigureAwait(false);
                return _cold.ResultOf(exitCode, clock.Elapsed);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                await StopWorkerAsync().ConfigureAwait(false);
                throw;
            }
            catch (WorkerException ex)
            {
                _off = true;
                await StopWorkerAsync().ConfigureAwait(false);
                _console.Report(Descriptors.IW2105.Create(ex.Message));
            }
        }

        return await _cold.BuildAsync(restore, cancellation).ConfigureAwait(false);
    }

    /// <summary>A project, props or targets file changed: the next build starts a new worker.</summary>
    public void ProjectFilesChanged() => _recycle = true;

    public async ValueTask DisposeAsync() => await StopWorkerAsync().ConfigureAwait(false);

    private async Task StopWorkerAsync()
    {
        var worker = _worker;
        _worker = null;
        if (worker is not null)
        {
            await worker.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The worker could not be used; the message says why.</summary>
    private sealed class WorkerException : Exception
    {
        public WorkerException(string message)
            : base(message)
        {
        }
    }

    /// <summary>One worker process and its loopback connection.</summary>
    private sealed class Worker
    {
        private readonly ChildProcess _process;
        private readonly TcpClient _connection;
        private readonly StreamReader _reader;
        private readonly StreamWriter _writer;

        private Worker(ChildProcess process, TcpClient connection)
        {
            _process = process;
            _connection = connection;
            var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            _reader = new StreamReader(connection.GetStream(), encoding);
            _writer = new StreamWriter(connection.GetStream(), encoding) { AutoFlush = true, NewLine = "\n" };
        }

        public static async Task<Worker> StartAsync(WatchOptions options, ConsoleSink? output, CancellationToken cancellation)
        {
            if (options.MSBuildFolder is not { Length: > 0 } msbuild)
            {
                throw new WorkerException("the Watch build did not say which MSBuild runs it");
            }

            if (!File.Exists(WorkerAssembly))
            {
                throw new WorkerException($"'{WorkerAssembly}' is missing");
            }

            // Only the worker this host starts can answer: it must send this token first.
            string token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start(1);
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;

            // Exactly the runtime the Watch build's MSBuild runs on: the SDK's assemblies need it.
            var arguments = new List<string> { "exec" };
            if (options.MSBuildRuntime is { Length: > 0 } runtime)
            {
                arguments.AddRange(new[] { "--fx-version", runtime });
            }

            arguments.AddRange(new[] { WorkerAssembly, msbuild, port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var environment = ChildStartInfo.InheritedEnvironment();
            environment["IW_BUILD_WORKER_TOKEN"] = token;
            ChildProcess process;
            try
            {
                process = ChildProcess.Start(new ChildStartInfo(options.DotnetPath, arguments, options.WorkingDirectory, environment) { Sink = output, Name = "build" });
            }
            catch (InvalidOperationException ex)
            {
                throw new WorkerException(ex.Message);
            }

            TcpClient? connection = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                timeout.CancelAfter(ConnectTimeout);
                var accept = listener.AcceptTcpClientAsync(timeout.Token).AsTask();
                if (await Task.WhenAny(accept, process.Exited).ConfigureAwait(false) != accept)
                {
                    throw new WorkerException($"it exited with code {process.Exited.Result} before connecting");
                }

                connection = await accept.ConfigureAwait(false);
                connection.NoDelay = true;
                var worker = new Worker(process, connection);
                string? proof = await worker._reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                if (!string.Equals(proof, token, StringComparison.Ordinal))
                {
                    throw new WorkerException("the connection did not come from the worker");
                }

                return worker;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or WorkerException)
            {
                connection?.Dispose();
                await process.StopAsync(StopOptions.KillNow).ConfigureAwait(false);
                cancellation.ThrowIfCancellationRequested();
                throw ex as WorkerException ?? new WorkerException($"it did not connect within {ConnectTimeout.TotalSeconds:0} s ({ex.Message})");
            }
        }

        /// <summary>Runs one build; its exit code (0 or 1). Cancelled: the caller stops the worker.</summary>
        public async Task<int> BuildAsync(WarmBuildRequest request, CancellationToken cancellation)
        {
            try
            {
                await _writer.WriteLineAsync(JsonSerializer.Serialize(request, WarmBuildJson.Default.WarmBuildRequest).AsMemory(), cancellation).ConfigureAwait(false);
                string? line = await _reader.ReadLineAsync(cancellation).ConfigureAwait(false);
                var reply = line is null ? null : JsonSerializer.Deserialize(line, WarmBuildJson.Default.WarmBuildReply);
                if (reply is null)
                {
                    int? code = _process.HasExited ? _process.Exited.Result : null;
                    throw new WorkerException(code is null ? "it closed the connection during a build" : $"it exited with code {code} during a build");
                }

                return reply.Failure is null ? reply.ExitCode : throw new WorkerException(reply.Failure);
            }
            catch (Exception ex) when (ex is IOException or SocketException or JsonException)
            {
                throw new WorkerException(ex.Message);
            }
        }

        /// <summary>Closes the connection (the worker exits on its own), then makes sure its whole group is gone.</summary>
        public async Task StopAsync()
        {
            _connection.Dispose();
            await Task.WhenAny(_process.Exited, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);

            // Whatever is left of its group (a worker stuck in a build, an MSBuild node) is killed.
            await _process.StopAsync(StopOptions.KillNow).ConfigureAwait(false);
        }
    }
}
