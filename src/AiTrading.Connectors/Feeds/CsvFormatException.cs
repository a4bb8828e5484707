namespace AiTrading.Connectors.Feeds;

/// <summary>
/// A data file (bars or ticks) that cannot be read. The message names the file, the 1-based line or row (0 when the
/// problem is the file itself), the column when one is at fault, and the detail, values included. <see cref="Reason"/>
/// says the same without repeating anything the file contains, for answers to people who may not see the file.
/// </summary>
public class DataFileFormatException : FormatException
{
    public DataFileFormatException(string filePath, int lineNumber, string? column, string detail, string? reason = null, Exception? innerException = null,
        string unit = "line")
        : base(Describe(filePath, lineNumber, column, detail, unit), innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Column = column;
        Reason = reason ?? detail;
        Unit = unit;
    }

    public string FilePath { get; }
    public int LineNumber { get; }
    public string? Column { get; }
    public string Reason { get; }
    /// <summary>"line" (text files, the header is line 1) or "row" (Parquet, the first row is 1).</summary>
    public string Unit { get; }

    /// <summary>The problem with the file called <paramref name="shownPath"/>, told by its <see cref="Reason"/>.</summary>
    public string Describe(string shownPath) => Describe(shownPath, LineNumber, Column, Reason, Unit);

    private static string Describe(string filePath, int lineNumber, string? column, string detail, string unit)
    {
        var where = lineNumber > 0 ? $"{filePath}: {unit} {lineNumber}" : filePath;
        if (column is not null) where += $", column '{column}'";
        return $"{where}: {detail}";
    }
}

/// <summary>A CSV file that cannot be replayed (the header is line 1).</summary>
public sealed class CsvFormatException(string filePath, int lineNumber, string? column, string detail, Exception? innerException = null, string? reason = null)
    : DataFileFormatException(filePath, lineNumber, column, detail, reason, innerException);
