using System.Security.Cryptography;
using System.Text.Json;
using AiTrading.Core;
using Microsoft.IdentityModel.Tokens;

namespace AiTrading.Gateway.Security;

/// <summary>
/// The embedded default's token signing key: 256 random bits (HMAC-SHA256) in a JSON file only its owner can read,
/// created on first use. The gateway validates with it and <c>aitrading token</c> mints with it, so both must run as
/// the same user on the same machine; clusters use an OIDC authority instead.
/// </summary>
public sealed class SigningKey
{
    private sealed record KeyFile(string KeyId, string Key, DateTimeOffset CreatedAt);

    private SigningKey(string keyId, byte[] key)
    {
        Key = new SymmetricSecurityKey(key) { KeyId = keyId };
    }

    public SymmetricSecurityKey Key { get; }

    public static SigningKey LoadOrCreate(string path)
    {
        if (!File.Exists(path)) TryCreate(path);
        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            file = null;
        }
        // The file's content is a secret: the message names the file, never what is in it.
        if (file is null || string.IsNullOrEmpty(file.KeyId) || !TryDecode(file.Key, out var key) || key.Length < 32)
            throw new ValidationException("Gateway:Auth:SigningKeyFile", $"'{path}' is not a signing key file (delete it to have a new key made)");
        return new SigningKey(file.KeyId, key);
    }

    private static void TryCreate(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var file = new KeyFile(Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), DateTimeOffset.UtcNow);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var stream = new FileStream(path, options);
            JsonSerializer.Serialize(stream, file);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first: theirs is the key.
        }
    }

    private static bool TryDecode(string? text, out byte[] key)
    {
        key = [];
        if (string.IsNullOrEmpty(text)) return false;
        try
        {
            key = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
