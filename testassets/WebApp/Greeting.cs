namespace WebApp;

/// <summary>The text the tests and the benchmark edit.</summary>
public static class Greeting
{
    public const string Text = "hello v1";
}
