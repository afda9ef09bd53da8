namespace Text.Tests;

public class UnitTest1
{
    public const string Marker = "tests-code v1";

    [Fact]
    public void Code_has_a_version()
    {
        Assert.StartsWith("text-code", Greeter.Code());
    }
}
