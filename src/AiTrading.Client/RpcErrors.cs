using System.Text;
using Grpc.Core;

namespace AiTrading.Client;

/// <summary>A gRPC failure as a person reads it: its status name and detail, and what to do about a refused token.</summary>
public static class RpcErrors
{
    public static string Describe(RpcException e)
    {
        var detail = string.IsNullOrWhiteSpace(e.Status.Detail) ? "" : $": {e.Status.Detail}";
        return e.StatusCode switch
        {
            StatusCode.Unauthenticated =>
                $"UNAUTHENTICATED{detail}. The gateway needs a valid bearer token: mint one with {BearerToken.HowToGetOne} " +
                $"(or take one from your identity provider) and pass it with --token or {BearerToken.Variable}",
            StatusCode.PermissionDenied =>
                $"PERMISSION_DENIED{detail}. The token's roles or accounts do not allow this; ask for a token with the role it needs",
            _ => $"{Name(e.StatusCode)}{detail}",
        };
    }

    /// <summary>The canonical gRPC name: NotFound is NOT_FOUND.</summary>
    public static string Name(StatusCode code)
    {
        var text = code.ToString();
        var name = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (char.IsUpper(c) && name.Length > 0) name.Append('_');
            name.Append(char.ToUpperInvariant(c));
        }
        return code == StatusCode.OK ? "OK" : name.ToString();
    }
}
