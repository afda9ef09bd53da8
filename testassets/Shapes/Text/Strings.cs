namespace Text;

/// <summary>The resources of Strings.resx (and its satellites), without a generated designer file.</summary>
internal static class Strings
{
    public static readonly System.Resources.ResourceManager ResourceManager = new("Text.Strings", typeof(Strings).Assembly);
}
