using AiTrading.Core;

namespace AiTrading.Client;

/// <summary>
/// Where a client's bearer token comes from: the one given, else <c>$AITRADING_TOKEN</c>, else the token
/// <c>aitrading token</c> saved in the user data folder (<see cref="UserData.TokenFile"/>).
/// </summary>
public static class BearerToken
{
    public const string Variable = "AITRADING_TOKEN";

    /// <exception cref="ValidationException">No token anywhere; the message says how to get one.</exception>
    public static string Resolve(string? token)
    {
        if (!string.IsNullOrWhiteSpace(token)) return token.Trim();
        if (Environment.GetEnvironmentVariable(Variable) is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment.Trim();
        if (File.Exists(UserData.TokenFile) && File.ReadAllText(UserData.TokenFile).Trim() is { Length: > 0 } saved) return saved;
        throw new ValidationException("token", $"none given: pass --token, set {Variable}, or save one with {HowToGetOne}");
    }

    public const string HowToGetOne = "`aitrading token --role trader --account DEMO`";

    /// <summary>Saves <paramref name="token"/> as the current token, readable by its owner only.</summary>
    public static void Save(string token)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(UserData.Directory);
        else Directory.CreateDirectory(UserData.Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(new FileStream(UserData.TokenFile, options));
        writer.Write(token);
    }
}
