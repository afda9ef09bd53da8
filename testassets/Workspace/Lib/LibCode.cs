namespace Lib;

public static class LibCode
{
    public static string Value => "lib-code v1";
}
