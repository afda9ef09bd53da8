namespace App;

public static class Code
{
    public const string Value = "app-code v1";
}
