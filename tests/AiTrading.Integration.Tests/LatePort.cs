using System.Net;
using System.Net.Sockets;

namespace AiTrading.Integration.Tests;

/// <summary>
/// A loopback port nothing listens on until <see cref="Open"/>, which then forwards every connection to a loopback
/// port: a server out of reach at first (still starting) that then comes up.
/// </summary>
public sealed class LatePort : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;

    public int Port { get; } = FreePort();
    public string Address => $"http://127.0.0.1:{Port}";

    public void Open(int target)
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _ = AcceptAsync(_listener, target);
    }

    private async Task AcceptAsync(TcpListener listener, int target)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(inbound, target);
        }
    }

    private async Task ForwardAsync(TcpClient inbound, int target)
    {
        using var _ = inbound;
        using var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
            var (a, b) = (inbound.GetStream(), outbound.GetStream());
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            // Either side went away: the connection ends.
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener?.Stop();
        return ValueTask.CompletedTask;
    }
}
