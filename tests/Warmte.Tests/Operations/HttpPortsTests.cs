using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Warmte.Silo.Hosting;
using Warmte.Silo.Storage;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// The refusal of an HTTP port in use names where the address was set, so the operator knows what to change: before,
/// it said "uit --urls" also when the address came from ASPNETCORE_URLS or from "urls" in appsettings.json.
/// </summary>
public sealed class HttpPortsTests : IDisposable
{
    private readonly Socket _other = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly int _port = FreePort.Next();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "http-ports-" + Guid.NewGuid().ToString("N")[..8]);

    public HttpPortsTests()
    {
        // Another program on the port, holding it the way the other tests do.
        _other.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _other.Bind(new IPEndPoint(IPAddress.Loopback, _port));
        _other.Listen();
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        _other.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Url => $"http://127.0.0.1:{_port}";

    private string Refusal(IConfigurationBuilder builder) =>
        Assert.Throws<ConfigurationException>(() => HttpPorts.Check(builder.Build(), defaultUrls: false)).Message;

    private IConfigurationBuilder WithAppSettings(string url)
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"), $$"""{ "urls": "{{url}}" }""");
        return new ConfigurationBuilder().SetBasePath(_dir).AddJsonFile("appsettings.json");
    }

    [Fact]
    public void An_address_from_appsettings_json_is_named_as_coming_from_there()
    {
        var message = Refusal(WithAppSettings(Url));
        Assert.Contains($"De HTTP-poort {_port} op 127.0.0.1 (adres {Url}, uit \"urls\" in appsettings.json) is al in gebruik", message);
        Assert.DoesNotContain("uit --urls", message);
        Assert.Contains($"Kies een vrije poort, bijv. --urls http://localhost:{_port + 1}.", message); // the command line wins over the file
    }

    [Fact]
    public void The_command_line_wins_over_appsettings_json_and_is_named()
    {
        var message = Refusal(WithAppSettings("http://127.0.0.1:1").AddCommandLine(["--urls", Url]));
        Assert.Contains($"(adres {Url}, uit --urls) is al in gebruik", message);
    }

    [Fact]
    public void A_kestrel_endpoint_is_named_by_its_key()
    {
        var message = Refusal(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = Url }));
        Assert.Contains($"(adres {Url}, uit Kestrel:Endpoints:Http:Url)", message);
        Assert.Contains($"bijv. --Kestrel:Endpoints:Http:Url http://localhost:{_port + 1}.", message);
    }

    /// <summary>The built silo as a process with ASPNETCORE_URLS set in its environment, as a container or systemd unit sets it.</summary>
    [Fact]
    public async Task A_silo_started_with_aspnetcore_urls_names_that_variable_and_touches_nothing()
    {
        var dataDir = WarmteServer.NewDataDir();
        var silo = await BuiltProgram.Run("dotnet", [BuiltProgram.SiloDll, "--data-dir", dataDir, "--Orleans:SiloPort", FreePort.Next().ToString()],
            new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = Url }, TimeSpan.FromMinutes(3));

        Assert.True(silo.ExitCode == 1, silo.ToString());
        Assert.Contains($"De HTTP-poort {_port} op 127.0.0.1 (adres {Url}, uit ASPNETCORE_URLS) is al in gebruik", silo.Err);
        Assert.Contains("Er is niets gestart of gewijzigd.", silo.Err);
        Assert.Empty(Directory.Exists(dataDir) ? Directory.GetFileSystemEntries(dataDir) : []);
    }
}
