using System.Net;
using AiTrading.Core;

namespace AiTrading.Gateway;

/// <summary>Where the gateway listens (configuration section "Gateway"). Port 0 picks a free port.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    public string BindAddress { get; set; } = "127.0.0.1";
    public int HttpPort { get; set; } = 8000;
    /// <summary>gRPC over HTTP/2 cleartext (prior knowledge).</summary>
    public int GrpcPort { get; set; } = 8001;

    public IReadOnlyList<FieldError> Validate()
    {
        var errors = new List<FieldError>();
        if (!IPAddress.TryParse(BindAddress, out _)) errors.Add(new("Gateway:BindAddress", $"'{BindAddress}' is not an IP address"));
        if (HttpPort is < 0 or > 65535) errors.Add(new("Gateway:HttpPort", $"must be between 0 and 65535 (got {HttpPort})"));
        if (GrpcPort is < 0 or > 65535) errors.Add(new("Gateway:GrpcPort", $"must be between 0 and 65535 (got {GrpcPort})"));
        if (HttpPort != 0 && HttpPort == GrpcPort) errors.Add(new("Gateway:GrpcPort", "must differ from the HTTP port"));
        return errors;
    }
}
