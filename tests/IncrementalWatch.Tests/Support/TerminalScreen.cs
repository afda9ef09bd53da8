using System.Text;

namespace IncrementalWatch.Tests.Support;

/// <summary>
/// Just enough of a VT100 terminal to replay what MSBuild's terminal logger and the watch host
/// write: text, line feeds (as a tty with onlcr: to column 1 of the next line), and the CSI
/// sequences F (lines up, to column 1), J (erase to the end of the screen), K (erase to the end
/// of the line), G (to a column), D (columns back) and m (colors, ignored).
/// </summary>
public sealed class TerminalScreen
{
    private readonly List<StringBuilder> _rows = new() { new StringBuilder() };
    private readonly int _width;
    private int _row;
    private int _column;

    public TerminalScreen(int width = 120) => _width = width;

    /// <summary>The rows from the top, trailing spaces trimmed.</summary>
    public IReadOnlyList<string> Rows => _rows.Select(r => r.ToString().TrimEnd()).ToList();

    public void Write(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u001b' && i + 1 < text.Length && text[i + 1] == '[')
            {
                int start = i + 2, end = start;
                while (end < text.Length && !char.IsLetter(text[end]))
                {
                    end++;
                }

                string parameter = text[start..end].TrimStart('?');
                int n = int.TryParse(parameter, out int value) ? value : 1;
                Control(text[end], n, parameter.Length == 0);
                i = end;
            }
            else if (c == '\n')
            {
                _row++;
                _column = 0;
                while (_rows.Count <= _row)
                {
                    _rows.Add(new StringBuilder());
                }
            }
            else if (c == '\r')
            {
                _column = 0;
            }
            else
            {
                Put(c);
            }
        }
    }

    private void Control(char command, int n, bool defaulted)
    {
        switch (command)
        {
            case 'F':
                _row = Math.Max(0, _row - n);
                _column = 0;
                break;
            case 'J':
                Row().Length = Math.Min(Row().Length, _column);
                _rows.RemoveRange(_row + 1, _rows.Count - _row - 1);
                break;
            case 'K':
                Row().Length = Math.Min(Row().Length, _column);
                break;
            case 'G':
                _column = Math.Min(n, _width) - 1;
                break;
            case 'D':
                _column = Math.Max(0, _column - (defaulted ? 1 : n));
                break;
        }
    }

    private StringBuilder Row() => _rows[_row];

    private void Put(char c)
    {
        StringBuilder row = Row();
        while (row.Length < _column)
        {
            row.Append(' ');
        }

        if (_column < row.Length)
        {
            row[_column] = c;
        }
        else
        {
            row.Append(c);
        }

        _column = Math.Min(_column + 1, _width - 1);
    }
}
