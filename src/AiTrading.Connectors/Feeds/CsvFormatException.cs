namespace AiTrading.Connectors.Feeds;

/// <summary>
/// A CSV file that cannot be replayed. The message names the file, the 1-based line (the header is line 1; 0
/// when the problem is the file itself) and the column when one is at fault.
/// </summary>
public sealed class CsvFormatException : FormatException
{
    public CsvFormatException(string filePath, int lineNumber, string? column, string detail, Exception? innerException = null)
        : base(Describe(filePath, lineNumber, column, detail), innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Column = column;
    }

    public string FilePath { get; }
    public int LineNumber { get; }
    public string? Column { get; }

    private static string Describe(string filePath, int lineNumber, string? column, string detail)
    {
        var where = lineNumber > 0 ? $"{filePath}: line {lineNumber}" : filePath;
        if (column is not null) where += $", column '{column}'";
        return $"{where}: {detail}";
    }
}
