using System.ComponentModel;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Warmte.Silo.Storage;

namespace Warmte.Silo.Hosting;

/// <summary>
/// One check of the settings the service reads, before anything is created, bound or printed (tester8 T4, T11).
/// Options that are bound lazily (Alerts, Orleans:GrainCollection, Orleans:Membership) used to fail only when
/// Orleans started, after the database was migrated and the first admin token printed, with an unhandled
/// exception (exit 134); typed keys read with GetValue failed with .NET's English "Failed to convert configuration
/// value". Every problem found is named here by its key, in Dutch, all at once; the start stops with exit 1.
/// The range and combination rules stay with the code that owns a setting (Mail, CostLimits, Tls, ...): they run
/// while the host is configured, which is also before the data directory is touched (WarmteHost).
/// </summary>
public static class StartupSettings
{
    /// <summary>Sections bound to a settings class: every key given must convert to its property's type.</summary>
    private static readonly (string Section, Type Settings)[] BoundSections =
    [
        ("Alerts", typeof(Alerts.AlertWatchOptions)),
        ("Orleans:GrainCollection", typeof(Orleans.Configuration.GrainCollectionOptions)),
        ("Orleans:Membership", typeof(Orleans.Configuration.ClusterMembershipOptions)),
        ("Voting", typeof(Api.VotingSettings)),
        ("Mail", typeof(Mail.MailSettings)),
        ("RateLimit", typeof(Operations.RateLimitSettings)),
        ("CostLimits", typeof(Operations.CostLimitSettings)),
    ];

    /// <summary>Single keys read with a type (GetValue), and what they must be.</summary>
    private static readonly (string Key, Type Type)[] TypedKeys =
    [
        ("Demo", typeof(bool)),
        ("Storage:GroupCommit", typeof(bool)),
        ("Orleans:Tls:Insecure", typeof(bool)),
        ("Dashboard:Enabled", typeof(bool)),
        ("Dashboard:HideTrace", typeof(bool)),
        ("Dashboard:CounterUpdateIntervalMs", typeof(int)),
        ("Dashboard:HistoryLength", typeof(int)),
        ("Dashboard:SessionMinutes", typeof(int)),
    ];

    /// <summary>The values of Logging:Format: the built-in plain console lines, or one JSON object per line.</summary>
    public static readonly string[] LogFormats = ["plain", "json"];

    /// <summary>Throws a <see cref="ConfigurationException"/> naming every wrong setting; nothing has been touched yet.</summary>
    public static void Check(IConfiguration configuration)
    {
        var problems = Problems(configuration);
        if (problems.Count == 1)
            throw new ConfigurationException(problems[0] + " Er is niets gestart, aangemaakt of gewijzigd.");
        if (problems.Count > 1)
            throw new ConfigurationException($"{problems.Count} instellingen kloppen niet; er is niets gestart, aangemaakt of gewijzigd:"
                                             + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p)));
    }

    /// <summary>Every wrong setting, one Dutch sentence each naming its key; empty when all are fine.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        foreach (var (key, type) in TypedKeys)
            if (configuration[key] is { } value && ConvertValue(value, type) is null)
                problems.Add(Wrong(key, value, type));
        foreach (var (section, settings) in BoundSections)
            CheckSection(configuration.GetSection(section), settings, problems);

        if (configuration.GetSection("Alerts")["Period"] is { } period && ConvertValue(period, typeof(TimeSpan)) is TimeSpan p && p <= TimeSpan.Zero)
            problems.Add($"Instelling Alerts:Period: '{period}' moet langer dan nul zijn, bijv. 1.00:00:00 (een dag).");
        if (configuration["Logging:Format"] is { Length: > 0 } format && !LogFormats.Contains(format.Trim(), StringComparer.OrdinalIgnoreCase))
            problems.Add($"Instelling Logging:Format: '{Shorten(format)}' is geen logformaat; kies uit {string.Join(" of ", LogFormats)}.");

        CheckUrls(configuration, problems);

        // A secret: its value is never repeated in the message. Loaded only when the first voting code is hashed, after
        // the migration, so its form is checked here (the fingerprint check against the database stays at start-up).
        if (configuration["Voting:CodeKey"] is { Length: > 0 } codeKey && !IsBase64Key(codeKey))
            problems.Add("Instelling Voting:CodeKey: de sleutel is geen base64 van minstens 32 bytes (maak er een met openssl rand -base64 32).");

        var preset = configuration["Auth:BootstrapAdminToken"];
        if (preset is not null && (preset.Length < 32 || preset.Length > 200))
            problems.Add($"Instelling Auth:BootstrapAdminToken: het token is {preset.Length} tekens lang; het moet 32 tot 200 tekens zijn "
                         + "(bijv. openssl rand -base64 36).");
        if (preset is not null && configuration["Auth:BootstrapTokenFile"] is { Length: > 0 })
            problems.Add("Instellingen Auth:BootstrapAdminToken en Auth:BootstrapTokenFile zijn allebei gezet; kies er één.");
        problems.AddRange(UnknownKeys(configuration));
        return problems;
    }

    /// <summary>Throws a <see cref="ConfigurationException"/> naming every unknown key of the service's own sections (the verbs, which read only a few settings).</summary>
    public static void CheckKnownKeys(IConfiguration configuration)
    {
        var unknown = UnknownKeys(configuration);
        if (unknown.Count == 1) throw new ConfigurationException(unknown[0] + " Er is niets gestart, aangemaakt of gewijzigd.");
        if (unknown.Count > 1)
            throw new ConfigurationException($"{unknown.Count} instellingen kloppen niet; er is niets gestart, aangemaakt of gewijzigd:"
                                             + string.Concat(unknown.Select(p => Environment.NewLine + "  - " + p)));
    }

    /// <summary>How a key under one of the service's own sections is read.</summary>
    private enum KeyShape
    {
        /// <summary>One value: <c>Storage:Provider</c>.</summary>
        Value,
        /// <summary>A list: <c>ForwardedHeaders:KnownProxies:0</c>, <c>…:1</c>.</summary>
        List,
        /// <summary>Values per name: <c>CostLimits:MonteCarloRuns:admin</c> (the names are checked by the setting's owner).</summary>
        Map,
    }

    /// <summary>
    /// The sections the service itself reads and every key it knows in them (papercut: <c>--Storage:Provder postgresql</c>
    /// started on SQLite without a word). Not Orleans, Logging, Kestrel, AllowedHosts or urls: those belong to the
    /// frameworks, which read keys of their own there. A key read in code must be added here, or the start refuses it.
    /// </summary>
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyDictionary<string, KeyShape>>> OwnSections = new(() =>
    {
        var sections = new Dictionary<string, IReadOnlyDictionary<string, KeyShape>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, settings) in BoundSections.Where(b => !b.Section.StartsWith("Orleans:", StringComparison.Ordinal)))
            sections[section] = settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.CanWrite || IsDictionary(p.PropertyType, out _))
                .ToDictionary(p => p.Name, p => IsDictionary(p.PropertyType, out _) ? KeyShape.Map : KeyShape.Value, StringComparer.OrdinalIgnoreCase);
        static IReadOnlyDictionary<string, KeyShape> Values(params string[] keys) =>
            keys.ToDictionary(k => k, _ => KeyShape.Value, StringComparer.OrdinalIgnoreCase);
        sections["Storage"] = Values("Provider", "ConnectionString", "GroupCommit");
        sections["RequestLog"] = Values(Leaf(Operations.RequestLogging.SuccessLevelKey), Leaf(Operations.RequestLogging.SlowMsKey));
        sections["ForwardedHeaders"] = new Dictionary<string, KeyShape>(StringComparer.OrdinalIgnoreCase) { ["KnownProxies"] = KeyShape.List, ["KnownNetworks"] = KeyShape.List };
        sections["Dashboard"] = Values("Enabled", "HideTrace", "CounterUpdateIntervalMs", "HistoryLength", "SessionMinutes");
        sections["Auth"] = Values("BootstrapAdminToken", "BootstrapTokenFile");
        sections["Testing"] = Values(Leaf(TestClockOffset.Key), Leaf(Demo.DemoFaults.Key));
        sections["RefusalAudit"] = Values("RetentionDays");
        return sections;
    });

    private static string Leaf(string key) => key[(key.LastIndexOf(':') + 1)..];

    /// <summary>
    /// Every key given under one of the service's own sections that it does not read, with the nearest key it does; and a
    /// section name one or two letters off one of them (<c>Stroage:Provider</c>). From any source: the check sees the
    /// configuration as merged (command line, environment, appsettings.json).
    /// </summary>
    public static IReadOnlyList<string> UnknownKeys(IConfiguration configuration)
    {
        var problems = new List<string>();
        var own = OwnSections.Value;
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in configuration.AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is null) continue; // a section, not a value: its values come by themselves
            var parts = path.Split(':');
            if (parts.Length < 2) continue; // top-level keys: every environment variable is one, so they cannot be judged
            if (own.TryGetValue(parts[0], out var keys))
            {
                var section = own.Keys.First(k => k.Equals(parts[0], StringComparison.OrdinalIgnoreCase));
                if (!keys.TryGetValue(parts[1], out var shape))
                {
                    if (reported.Add(parts[0] + ":" + parts[1])) problems.Add(Unknown(configuration, path, section, parts[1], own));
                }
                else if (shape == KeyShape.Value && parts.Length > 2)
                {
                    if (reported.Add(path)) problems.Add(Unknown(configuration, path, section, parts[1], own));
                }
                else if (shape != KeyShape.Value && parts.Length == 2 && value.Length > 0)
                {
                    var name = section + ":" + keys.Keys.First(k => k.Equals(parts[1], StringComparison.OrdinalIgnoreCase));
                    problems.Add(shape == KeyShape.List
                        ? $"Instelling {name} is een lijst en '{Shorten(value)}' zou genegeerd worden ({Source(configuration, path)}); geef elk item apart: {name}:0, {name}:1, …"
                        : $"Instelling {name} heeft een waarde per rol en '{Shorten(value)}' zou genegeerd worden ({Source(configuration, path)}); geef ze apart, bijv. {name}:admin.");
                }
                continue;
            }
            if (Foreign.Contains(parts[0])) continue;
            // A section name a letter or two off one of the service's own: a typo, not another program's setting. Not judged
            // for environment variables: every variable of the machine arrives here (OAUTH__…, CERTS__… are near Auth and
            // Alerts), and another program's variable must not stop the start (review18 #7).
            if (FromEnvironment(configuration, path)) continue;
            var near = own.Keys.Select(k => (Key: k, Distance: Distance(k, parts[0]))).OrderBy(k => k.Distance).First();
            if (near.Distance <= (near.Key.Length <= 5 ? 1 : 2) && reported.Add(parts[0] + ":" + parts[1]))
                problems.Add(Unknown(configuration, path, near.Key, parts[1], own, sectionUnknown: true));
        }
        return problems;
    }

    /// <summary>
    /// Sections of the frameworks the service runs on: their keys are theirs to judge. "Hosting" is two letters from Voting and
    /// Testing, but a section of its own name elsewhere in .NET, so it is never taken for a typo.
    /// </summary>
    private static readonly HashSet<string> Foreign = new(StringComparer.OrdinalIgnoreCase) { "Orleans", "Logging", "Kestrel", "AllowedHosts", "urls", "Hosting" };

    /// <summary>The Dutch sentence for an unknown key: where it came from and the known key it most likely meant.</summary>
    private static string Unknown(IConfiguration configuration, string path, string section, string key,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, KeyShape>> own, bool sectionUnknown = false)
    {
        var keys = own[section].Keys.ToList();
        var nearest = section + ":" + keys.OrderBy(k => Distance(k, key)).ThenBy(k => k, StringComparer.Ordinal).First();
        var close = Close(nearest[(section.Length + 1)..], key);
        // The right key under another of the service's sections (Mail:PublicUrl for Voting:PublicUrl) beats a far one here;
        // only when one section has it: Mail:Enabled is not RateLimit:Enabled nor Dashboard:Enabled.
        if (!close && own.Where(s => s.Value.ContainsKey(key)).ToList() is [var other])
            (nearest, close) = (other.Key + ":" + other.Value.Keys.First(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)), true);
        var given = $"Instelling {path} ({Source(configuration, path)}) is onbekend{(sectionUnknown ? $" (er is geen onderdeel {path.Split(':')[0]})" : "")} en zou genegeerd worden; ";
        return close
            ? given + $"bedoelt u {nearest}?"
            : given + $"onder {section} kent de dienst alleen {DutchList(keys)} (het dichtst bij: {nearest}).";
    }

    /// <summary>A slip rather than another word: a letter or two (a third of a long name) off, or the start or the whole of the other.</summary>
    private static bool Close(string known, string given) =>
        Distance(known, given) <= Math.Max(2, given.Length / 3)
        || given.Length >= 4 && (known.StartsWith(given, StringComparison.OrdinalIgnoreCase) || given.StartsWith(known, StringComparison.OrdinalIgnoreCase));

    private static string DutchList(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " en " + items[^1];

    /// <summary>Where a key in force came from: the last source that sets it wins, as in ASP.NET Core.</summary>
    /// <summary>Whether the value at <paramref name="path"/> comes from an environment variable (the last provider that has it).</summary>
    private static bool FromEnvironment(IConfiguration configuration, string path) =>
        (configuration as IConfigurationRoot)?.Providers.Reverse().FirstOrDefault(p => p.TryGet(path, out _))
            is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider;

    private static string Source(IConfiguration configuration, string path)
    {
        foreach (var provider in (configuration as IConfigurationRoot)?.Providers.Reverse() ?? [])
        {
            if (!provider.TryGet(path, out _)) continue;
            return provider switch
            {
                Microsoft.Extensions.Configuration.CommandLine.CommandLineConfigurationProvider => $"op de opdrachtregel: --{path}",
                Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider => $"omgevingsvariabele {path.Replace(":", "__")}",
                FileConfigurationProvider file => $"in {file.Source.Path}",
                _ => "in de instellingen",
            };
        }
        return "in de instellingen";
    }

    /// <summary>Edit distance without case, a swap of two neighbouring letters counting as one (optimal string alignment).</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    /// <summary>Each key given under <paramref name="section"/> whose property has a simple type (or a dictionary of one) must convert.</summary>
    private static void CheckSection(IConfigurationSection section, Type settings, List<string> problems)
    {
        foreach (var child in section.GetChildren())
        {
            var property = settings.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite && !IsDictionary(property.PropertyType, out _)) continue; // the binder ignores it too
            if (IsDictionary(property.PropertyType, out var valueType))
            {
                foreach (var entry in child.GetChildren())
                    if (entry.Value is { } v && ConvertValue(v, valueType) is null)
                        problems.Add(Wrong(entry.Path, v, valueType));
                continue;
            }
            if (child.Value is { } value && IsSimple(property.PropertyType) && ConvertValue(value, property.PropertyType) is null)
                problems.Add(Wrong(child.Path, value, property.PropertyType));
        }
    }

    private static bool IsBase64Key(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), bytes, out var length) && length >= 32;
    }

    /// <summary>Kestrel's own parse of the listen addresses (<c>--urls a;b</c>, <c>Kestrel:Endpoints:*:Url</c>), which otherwise fails only when it binds.</summary>
    private static void CheckUrls(IConfiguration configuration, List<string> problems)
    {
        var given = new List<(string Key, string Url)>();
        foreach (var key in new[] { "urls", "ASPNETCORE_URLS" })
            if (configuration[key] is { Length: > 0 } urls)
                given.AddRange(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => (key == "urls" ? "--urls" : key, u)));
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
            if (endpoint["Url"] is { Length: > 0 } url)
                given.Add(($"Kestrel:Endpoints:{endpoint.Key}:Url", url.Trim()));
        foreach (var (key, url) in given)
        {
            string? why = null;
            try
            {
                var parsed = BindingAddress.Parse(url);
                if (!parsed.IsUnixPipe && !parsed.IsNamedPipe && parsed.Port is < 0 or > 65535) why = "de poort moet tussen 0 en 65535 liggen";
                else if (parsed.Scheme is not ("http" or "https")) why = "het moet met http:// of https:// beginnen";
            }
            catch (FormatException)
            {
                why = "het is geen adres met schema, host en poort";
            }
            if (why is not null)
                problems.Add($"Instelling {key}: '{Shorten(url)}' is geen bruikbaar HTTP-adres: {why}, bijv. http://localhost:5080 of http://0.0.0.0:5080.");
        }
    }

    /// <summary>The value as the configuration binder converts it (invariant culture), or null when it cannot.</summary>
    private static object? ConvertValue(string value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value.Length == 0) return target == typeof(string) ? value : Nullable.GetUnderlyingType(type) is not null ? "" : null;
        try
        {
            if (target.IsEnum)
                return Enum.TryParse(target, value.Trim(), ignoreCase: true, out var e) && Enum.IsDefined(target, e!) && !int.TryParse(value, out _) ? e : null;
            return TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException
                                      || e.InnerException is FormatException or OverflowException)
        {
            return null;
        }
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(string) || t == typeof(DateTimeOffset);
    }

    private static bool IsDictionary(Type type, out Type valueType)
    {
        valueType = typeof(object);
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        if (dictionary is null || !IsSimple(dictionary.GetGenericArguments()[1])) return false;
        valueType = dictionary.GetGenericArguments()[1];
        return true;
    }

    private static string Wrong(string key, string value, Type type) =>
        $"Instelling {key}: '{Shorten(value)}' is {Expected(Nullable.GetUnderlyingType(type) ?? type)}.";

    /// <summary>What a value of <paramref name="type"/> looks like, in Dutch.</summary>
    private static string Expected(Type type) =>
        type == typeof(bool) ? "geen ja/nee-waarde; schrijf true of false"
        : type == typeof(TimeSpan) ? "geen tijdsduur; schrijf uu:mm:ss, bijv. 00:15:00, of d.uu:mm:ss voor dagen, bijv. 1.00:00:00"
        : type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) ? "geen geheel getal"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? "geen getal; schrijf bijv. 0.5 (met een punt)"
        : type.IsEnum ? $"geen geldige waarde; kies uit {string.Join(", ", Enum.GetNames(type))}"
        : $"geen geldige waarde ({type.Name})";

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
