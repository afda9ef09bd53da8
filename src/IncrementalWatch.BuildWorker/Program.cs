using System.Net;
using System.Net.Sockets;
using IncrementalWatch.BuildWorker;
using Microsoft.Build.Locator;

// The warm build worker. Arguments: the MSBuild folder of the SDK that runs the Watch build, and
// the loopback port the host listens on; the host's token comes in IW_BUILD_WORKER_TOKEN. It
// connects back, proves the token, then runs one build per request line until the host closes
// the connection, which it also takes as "cancel the build that is running and exit" (so a
// host that dies, even by SIGKILL, takes its worker with it).
if (args.Length != 2 || !Directory.Exists(args[0]) || !int.TryParse(args[1], out int port))
{
    Console.Error.WriteLine("usage: IncrementalWatch.BuildWorker <msbuild-folder> <port> (with IW_BUILD_WORKER_TOKEN set)");
    return 2;
}

string msbuildFolder = Path.GetFullPath(args[0]);

// What the dotnet CLI sets before it runs MSBuild, so evaluation finds the same SDK and
// out-of-process nodes start the same MSBuild.
Environment.SetEnvironmentVariable("MSBUILD_EXE_PATH", Path.Combine(msbuildFolder, "MSBuild.dll"));
Environment.SetEnvironmentVariable("MSBuildExtensionsPath", msbuildFolder);
Environment.SetEnvironmentVariable("MSBuildSDKsPath", Path.Combine(msbuildFolder, "Sdks"));
MSBuildLocator.RegisterMSBuildPath(msbuildFolder);

using var connection = new TcpClient { NoDelay = true };
connection.Connect(IPAddress.Loopback, port);
return WorkerLoop.Run(connection.GetStream(), Environment.GetEnvironmentVariable("IW_BUILD_WORKER_TOKEN") ?? "");
