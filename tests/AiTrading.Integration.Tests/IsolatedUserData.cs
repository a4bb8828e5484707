using System.Runtime.CompilerServices;

namespace AiTrading.Tests;

/// <summary>
/// Points the user data folder (signing key, CLI token) of this test process and its children at a folder of the
/// run's own, so tests never read or write the developer's real one.
/// </summary>
internal static class IsolatedUserData
{
    [ModuleInitializer]
    internal static void Isolate()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"aitrading-test-home-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        Environment.SetEnvironmentVariable(UserData.HomeVariable, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { } // a child still closing a file: the temp folder is swept by the system
        };
    }
}
