using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// The Orleans silo port, decided before anything else starts. Orleans binds its silo port with address reuse
/// (SO_REUSEPORT on Linux), so a second silo on a port another one already listens on starts without a word and the
/// kernel shares the port's connections between the two: in cluster mode another silo's messages reach the wrong
/// process. So the port is checked first, with a socket that does not share:
/// <list type="bullet">
/// <item><c>Orleans:SiloPort</c> set and in use, or the default 11111 in use in cluster mode (PostgreSQL, where peers
/// must know the port): the start is refused with a message naming the port and the setting, before the data
/// directory or the database is touched (exit code 1, like every refused start).</item>
/// <item>Embedded mode (SQLite) without <c>Orleans:SiloPort</c> and 11111 in use (a second embedded silo on this
/// machine): the silo takes a free port the system hands out and says so in the log. Nothing else connects to an
/// embedded silo's port (it is alone, no gateway, mutual TLS with its own certificate), so which one it is does not
/// matter, and two embedded services on one machine just work.</item>
/// </list>
/// Orleans opens no client gateway (port 0: WarmteHost), so there is no second port to collide.
/// </summary>
public static class SiloPorts
{
    public const string Key = "Orleans:SiloPort";

    /// <summary>The port to use, and for a port chosen instead of the default the line the log says about it.</summary>
    public sealed record Choice(int Port, string? Note);

    public static Choice Choose(IConfiguration config, bool clusterMode, IPAddress address)
    {
        var configured = config[Key];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!int.TryParse(configured.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw new ConfigurationException($"{Key}: '{configured}' is geen poortnummer (1-65535).");
            if (InUse(address, port))
                throw new ConfigurationException(InUseMessage(address, port, $"Kies met {Key} een vrije poort"));
            return new Choice(port, null);
        }
        const int standard = EndpointOptions.DEFAULT_SILO_PORT;
        if (!InUse(address, standard)) return new Choice(standard, null);
        if (clusterMode)
            throw new ConfigurationException(InUseMessage(address, standard,
                $"{Key} is niet gezet, dus de standaardpoort {standard} zou gedeeld worden. Geef elke silo op deze machine een eigen poort met {Key}"));
        var free = FreePort(address);
        return new Choice(free, $"De standaard-siloport {standard} op {address} is al in gebruik (een andere silo op deze machine?); deze ingebedde silo "
                                + $"gebruikt poort {free}, die alleen zij zelf gebruikt. Zet {Key} voor een vaste poort. "
                                + $"(Silo port {standard} is in use; this embedded silo uses {free}.)");
    }

    private static string InUseMessage(IPAddress address, int port, string advice) =>
        $"De siloport {port} op {address} is al in gebruik, door een andere silo of een ander programma op deze machine. "
        + $"{advice}, bijv. --{Key} {(port == 65535 ? port - 1 : port + 1)} (of de omgevingsvariabele Orleans__SiloPort). Er is niets gestart of gewijzigd. "
        + $"(Silo port {port} on {address} is already in use; set {Key} to a free port.)";

    /// <summary>
    /// Whether something listens on (or holds) <paramref name="address"/>:<paramref name="port"/>: a bind with SO_REUSEADDR
    /// only, which a TIME_WAIT connection left by an earlier run of this silo does not block, but any bound socket does,
    /// also one bound with SO_REUSEPORT as Orleans' own. Other bind errors (an address not on this machine, a privileged
    /// port) are left to Orleans, which reports them itself.
    /// </summary>
    public static bool InUse(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(1));                 // SOL_SOCKET, SO_REUSEADDR
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) socket.SetRawSocketOption(0xffff, 4, BitConverter.GetBytes(1));
        else socket.ExclusiveAddressUse = true;                                                                       // Windows
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
