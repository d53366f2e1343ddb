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
        return problems;
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
