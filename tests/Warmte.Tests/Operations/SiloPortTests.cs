using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using Warmte.Tests.Cli;
using Warmte.Tests.Infrastructure;

namespace Warmte.Tests.Operations;

/// <summary>
/// Two silos on one machine and one Orleans silo port. Orleans binds its port with address reuse, so before the fix
/// a second silo on a taken port started without a word and shared the port's connections with the first. Now a
/// taken port that was asked for (Orleans:SiloPort), or the default one in cluster mode, refuses the start before the
/// data is touched, naming the port and the setting; an embedded silo without the setting takes a free port instead.
/// </summary>
public sealed class SiloPortTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_second_embedded_silo_on_the_first_ones_silo_port_is_refused_naming_port_and_setting_before_touching_its_data()
    {
        await using var first = SiloProcess.OnSqlite("first");
        first.Start();
        await first.WaitHealthyAsync(StartTimeout);

        var secondDir = WarmteServer.NewDataDir();
        var second = await BuiltProgram.Run("dotnet", [BuiltProgram.SiloDll, "--data-dir", secondDir, "--urls", $"http://127.0.0.1:{FreePort.Next()}",
            "--Orleans:SiloPort", first.SiloPort.ToString()], timeout: StartTimeout);

        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Contains($"De siloport {first.SiloPort} op 127.0.0.1 is al in gebruik", second.Err);
        Assert.Contains("--Orleans:SiloPort", second.Err);
        // Refused before the data directory's database or lock was made.
        Assert.Empty(Directory.Exists(secondDir) ? Directory.GetFileSystemEntries(secondDir) : []);

        using var client = first.Client(token: null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health/ready")).StatusCode);
    }

    /// <summary>
    /// The HTTP port likewise: Kestrel binds it only when the app runs, so before the fix a second silo with a --urls port
    /// in use first migrated its data directory (a new database, the lock file) and only then failed.
    /// </summary>
    [Fact]
    public async Task A_silo_whose_http_port_is_in_use_is_refused_naming_port_and_option_before_touching_its_data()
    {
        var port = FreePort.Next();
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        other.Bind(new IPEndPoint(IPAddress.Loopback, port));
        other.Listen();

        var dataDir = WarmteServer.NewDataDir();
        var second = await BuiltProgram.Run("dotnet", [BuiltProgram.SiloDll, "--data-dir", dataDir, "--urls", $"http://127.0.0.1:{port}",
            "--Orleans:SiloPort", FreePort.Next().ToString()], timeout: StartTimeout);

        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Contains($"De HTTP-poort {port} op 127.0.0.1 (adres http://127.0.0.1:{port}, uit --urls) is al in gebruik", second.Err);
        Assert.Contains("Er is niets gestart of gewijzigd.", second.Err);
        Assert.Empty(Directory.Exists(dataDir) ? Directory.GetFileSystemEntries(dataDir) : []);
    }

    [Fact]
    public async Task A_cluster_silo_on_a_silo_port_in_use_is_refused_before_migrating_the_database()
    {
        // Another process holding the port the way Orleans holds its own (address reuse): the case that used to pass silently.
        var port = FreePort.Next();
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        other.Bind(new IPEndPoint(IPAddress.Loopback, port));
        other.Listen();

        var postgres = await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
        await using var silo = SiloProcess.OnPostgres("cluster-b", postgres, "test-" + Guid.NewGuid().ToString("N")[..8], "--Orleans:SiloPort", port.ToString());
        silo.Start();
        Assert.Equal(1, await silo.WaitForExitAsync(StartTimeout));
        var log = silo.Tail(200);
        Assert.Contains($"De siloport {port} op 127.0.0.1 is al in gebruik", log);
        Assert.Contains("--Orleans:SiloPort", log);

        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var tables = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()", connection);
        Assert.Equal(0L, Convert.ToInt64(await tables.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task An_embedded_silo_without_a_silo_port_setting_takes_a_free_port_when_the_default_is_in_use()
    {
        // Port 11111 in use: held here, or (if it cannot be bound) by someone else on this machine already.
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            holder.Bind(new IPEndPoint(IPAddress.Loopback, 11111));
            holder.Listen();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse) { }

        // An empty value is "not set" (as Orleans__SiloPort= in the environment), over SiloProcess's own port.
        await using var silo = SiloProcess.OnSqlite("default-port", "--Orleans:SiloPort=", "--demo");
        silo.Start();
        await silo.WaitHealthyAsync(StartTimeout);

        using var client = silo.Client(token: null);
        var deadline = DateTime.UtcNow + StartTimeout;
        HttpResponseMessage ready;
        while ((ready = await client.GetAsync("health/ready")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, $"not ready:\n{silo.Tail()}");
            await Task.Delay(250);
        }
        var address = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("siloAddress").GetString()!;
        var port = int.Parse(address.Split(':')[1]);
        Assert.NotEqual(11111, port);
        Assert.Contains($"De standaard-siloport 11111 op 127.0.0.1 is al in gebruik", silo.Tail(400));
        Assert.Contains($"gebruikt poort {port}", silo.Tail(400));
        // It works: the demo's data is there and served.
        using var reader = silo.Client();
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("api/cooperatives/ketelhuiswg")).StatusCode);
    }
}
