using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// The HTTP listen addresses, checked before anything else starts, as <see cref="SiloPorts"/> does for the silo port.
/// Kestrel binds them only when the app runs, after the schema migration: a second service started with an address
/// in use migrated (touched) its data and only then failed. Now a port in use refuses the start with a message naming
/// the port and where the address was set (<c>--urls</c>, <c>ASPNETCORE_URLS</c> or another environment variable,
/// <c>urls</c> in appsettings.json, or the <c>Kestrel:Endpoints</c> entry), before the data
/// directory or the database is touched (exit code 1, like every refused start). Port 0 (the system picks one), Unix
/// sockets and named pipes need no check. Kestrel's own refusal stays behind it for the rare race of a port taken in
/// between (SiloCommandLine).
/// </summary>
public static class HttpPorts
{
    /// <summary>Throws a <see cref="ConfigurationException"/> for the first listen address whose port is in use.</summary>
    public static void Check(IConfiguration config, bool defaultUrls)
    {
        foreach (var (url, option) in Addresses(config, defaultUrls))
        {
            BindingAddress parsed;
            try
            {
                parsed = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                continue; // Kestrel names a malformed address itself
            }
            if (parsed.IsUnixPipe || parsed.IsNamedPipe || parsed.Port is <= 0 or > 65535) continue;
            foreach (var address in ListenAddresses(parsed.Host))
                if (SiloPorts.InUse(address, parsed.Port))
                    throw new ConfigurationException(InUseMessage(address, parsed.Port, url, option));
        }
    }

    /// <summary>Every configured address with the option it came from: Kestrel's endpoints replace --urls when they are set.</summary>
    private static IEnumerable<(string Url, string Option)> Addresses(IConfiguration config, bool defaultUrls)
    {
        var endpoints = config.GetSection("Kestrel:Endpoints").GetChildren()
            .Where(e => !string.IsNullOrWhiteSpace(e["Url"]))
            .Select(e => (e["Url"]!.Trim(), $"Kestrel:Endpoints:{e.Key}:Url")).ToList();
        if (endpoints.Count > 0) return endpoints;
        var (urls, source) = defaultUrls ? (null, null)
            : config["urls"] is { Length: > 0 } set ? (set, UrlsSource(config, set))
            : (config["ASPNETCORE_URLS"], "ASPNETCORE_URLS");
        if (string.IsNullOrWhiteSpace(urls)) return [(WarmteHost.DefaultUrl, $"--urls (niet gezet: de standaard {WarmteHost.DefaultUrl})")];
        return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => (u, source!));
    }

    /// <summary>
    /// Where the <c>urls</c> setting in force came from, so the message names what to change: the last configuration
    /// source that sets it wins (the command line over the environment over appsettings.json), as in ASP.NET Core.
    /// </summary>
    internal static string UrlsSource(IConfiguration config, string value)
    {
        var providers = (config as IConfigurationRoot)?.Providers.Reverse() ?? [];
        foreach (var provider in providers)
        {
            if (!provider.TryGet("urls", out var set) || string.IsNullOrEmpty(set)) continue;
            return provider switch
            {
                Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider => "--urls",
                Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider =>
                    // ASPNETCORE_URLS and DOTNET_URLS (prefixed sources) and URLS all arrive as "urls".
                    new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "urls" }.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) == set)
                        ?? "een omgevingsvariabele ASPNETCORE_URLS, DOTNET_URLS of URLS",
                FileConfigurationProvider file => $"\"urls\" in {file.Source.Path}",
                _ => "de instelling urls",
            };
        }
        return "de instelling urls";
    }

    /// <summary>What Kestrel binds for a host: localhost both loopbacks, an IP itself, anything else every interface.</summary>
    private static IEnumerable<IPAddress> ListenAddresses(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return [ip];
        return Socket.OSSupportsIPv6 ? [IPAddress.Any, IPAddress.IPv6Any] : [IPAddress.Any];
    }

    private static string InUseMessage(IPAddress address, int port, string url, string option)
    {
        var free = port == 65535 ? port - 1 : port + 1;
        // --urls on the command line wins over ASPNETCORE_URLS and appsettings.json; a Kestrel endpoint is changed by its own key.
        var example = option.StartsWith("Kestrel:", StringComparison.Ordinal) ? $"--{option} http://localhost:{free}" : $"--urls http://localhost:{free}";
        return $"De HTTP-poort {port} op {address} (adres {url}, uit {option}) is al in gebruik, door een andere dienst of een ander programma op deze machine. "
               + $"Kies een vrije poort, bijv. {example}. Er is niets gestart of gewijzigd. "
               + $"(HTTP port {port} on {address} is already in use; choose a free one with --urls.)";
    }
}
