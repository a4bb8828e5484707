namespace AiTrading;

/// <summary>
/// Where the product and its clients keep per-user files on this machine: the embedded default's token signing key and the CLI's
/// current token. <c>AITRADING_HOME</c> overrides the folder (tests, several installs side by side); otherwise it is
/// <c>$XDG_DATA_HOME/aitrading</c>, i.e. <c>~/.local/share/aitrading</c> on Linux.
/// </summary>
public static class UserData
{
    public const string HomeVariable = "AITRADING_HOME";

    public static string Directory =>
        Environment.GetEnvironmentVariable(HomeVariable) is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "aitrading");

    /// <summary>The embedded default's token signing key (created at first start, readable by the owner only).</summary>
    public static string SigningKeyFile => Path.Combine(Directory, "signing-key.json");

    /// <summary>The token <c>aitrading token</c> minted last; CLI clients send it when no --token or AITRADING_TOKEN is given.</summary>
    public static string TokenFile => Path.Combine(Directory, "token");
}
