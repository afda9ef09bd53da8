using IncrementalWatch.Contracts;
using IncrementalWatch.Host.Apps;

namespace IncrementalWatch.Tests.Host.Processes;

public sealed class StopSignalTests
{
    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("term", 15)]
    [InlineData("INT", 2)]
    [InlineData("SIGHUP", 1)]
    [InlineData("9", 9)]
    public void NamesAndNumbersResolve(string text, int number)
    {
        Assert.True(StopSignal.TryParse(text, out var signal));
        Assert.Equal(number, signal.Number);
    }

    [Theory]
    [InlineData("")]
    [InlineData("SIGBOGUS")]
    [InlineData("0")]
    [InlineData("99")]
    public void NonsenseIsRejected(string text) => Assert.False(StopSignal.TryParse(text, out _));

    [Fact]
    public void UrlsGiveLoopbackEndpoints()
    {
        var endpoints = PortProbe.EndpointsOf(new[] { "http://127.0.0.1:5001;http://localhost:5002", "http://*:5003", "https://example.invalid:5004", "http://127.0.0.1:0" });
        Assert.Equal(new[] { 5001, 5002, 5003 }, endpoints.Select(e => e.Port));
    }
}
