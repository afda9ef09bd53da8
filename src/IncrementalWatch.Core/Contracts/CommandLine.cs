using System.Text;

namespace IncrementalWatch.Contracts;

/// <summary>Splits a command-line string (RunArguments, commandLineArgs) into arguments.</summary>
public static class CommandLine
{
    /// <summary>
    /// Splits on unquoted white space; double quotes group, and a backslash escapes a quote
    /// or a backslash before a quote, as dotnet run and the Windows argv rules do.
    /// </summary>
    public static IReadOnlyList<string> Split(string? text)
    {
        var args = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return args;
        }

        var current = new StringBuilder();
        bool inQuotes = false;
        bool hasArg = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length && (text[i + 1] == '"' || text[i + 1] == '\\'))
            {
                current.Append(text[++i]);
                hasArg = true;
            }
            else if (c == '"')
            {
                inQuotes = !inQuotes;
                hasArg = true;
            }
            else if (char.IsWhiteSpace(c) && !inQuotes)
            {
                if (hasArg)
                {
                    args.Add(current.ToString());
                    current.Clear();
                    hasArg = false;
                }
            }
            else
            {
                current.Append(c);
                hasArg = true;
            }
        }

        if (hasArg)
        {
            args.Add(current.ToString());
        }

        return args;
    }
}
