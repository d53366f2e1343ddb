using System.Collections.Immutable;
using System.Text.RegularExpressions;
using NodaTime;
using Warmte.Common;

namespace Warmte.Members;

/// <summary>
/// Rules of the member register, pure: validating members (all at once, so a bulk import either
/// stores every row or none), merging them by member number, counting, and who may vote on a date.
/// </summary>
public static partial class MemberRules
{
    /// <summary>Most members one call may register; a cooperative of a few thousand fits in one call.</summary>
    public const int MaxPerCall = 20_000;

    public const int MaxWoningequivalenten = 10_000;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9./-]{0,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    // Dutch postcodes: four digits not starting with 0, two letters; SA, SD and SS are never issued.
    [GeneratedRegex("^([1-9][0-9]{3}) ?([A-Z]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex PostcodePattern();

    [GeneratedRegex("^[A-Za-z0-9]{1,10}$", RegexOptions.CultureInvariant)]
    private static partial Regex AdditionPattern();

    private static readonly ImmutableDictionary<string, MemberCategory> Categories =
        new Dictionary<string, MemberCategory>(StringComparer.OrdinalIgnoreCase)
        {
            ["eigenaar-bewoner"] = MemberCategory.EigenaarBewoner, ["eigenaarbewoner"] = MemberCategory.EigenaarBewoner,
            ["eigenaar"] = MemberCategory.EigenaarBewoner, ["owner-occupier"] = MemberCategory.EigenaarBewoner,
            ["huurder"] = MemberCategory.Huurder, ["tenant"] = MemberCategory.Huurder,
            ["bedrijf"] = MemberCategory.Bedrijf, ["business"] = MemberCategory.Bedrijf,
            ["overig"] = MemberCategory.Overig, ["other"] = MemberCategory.Overig, ["anders"] = MemberCategory.Overig,
        }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    public static string CategoryNames => "eigenaar-bewoner, huurder, bedrijf, overig";

    public static bool TryParseCategory(string? text, out MemberCategory category) =>
        Categories.TryGetValue((text ?? "").Trim(), out category);

    /// <summary>The postcode as the register writes it ("1051 AB"), or null when it is not a Dutch postcode.</summary>
    public static string? NormalisePostcode(string? text)
    {
        var match = PostcodePattern().Match((text ?? "").Trim().ToUpperInvariant());
        if (!match.Success) return null;
        var letters = match.Groups[2].Value;
        return letters is "SA" or "SD" or "SS" ? null : $"{match.Groups[1].Value} {letters}";
    }

    /// <summary>Member numbers compare without surrounding spaces and without case ("l-12" is "L-12").</summary>
    public static string NormaliseNumber(string number) => number.Trim().ToUpperInvariant();

    /// <summary>
    /// Validates every input (fields named "members[i].field"); refuses the lot if any is wrong or
    /// a member number occurs twice in the input.
    /// </summary>
    public static Outcome<ImmutableArray<Member>> Validate(IReadOnlyList<MemberInput?> inputs, LocalDate today, string path = "members")
    {
        var v = new Validation();
        if (inputs.Count == 0) v.Add(path, "bevat geen leden.");
        if (inputs.Count > MaxPerCall) v.Add(path, $"bevat meer dan {MaxPerCall} leden; splits de invoer.");
        if (v.HasErrors) return v.ToRefusal();

        var members = ImmutableArray.CreateBuilder<Member>(inputs.Count);
        var firstIndex = new Dictionary<string, int>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (inputs[i] is not { } input)
            {
                v.Add(at, "is leeg.");
                continue;
            }
            if (One(v, at, input, today) is { } member)
            {
                if (firstIndex.TryGetValue(member.Number, out var first))
                    v.Add($"{at}.number", $"lidnummer {member.Number} staat ook al in {path}[{first}].");
                else
                {
                    firstIndex[member.Number] = i;
                    members.Add(member);
                }
            }
        }
        return v.HasErrors ? v.ToRefusal() : Outcome<ImmutableArray<Member>>.Ok(members.ToImmutable());
    }

    private static Member? One(Validation v, string at, MemberInput input, LocalDate today)
    {
        var before = v.Errors.Count;
        var number = (input.Number ?? "").Trim();
        if (number.Length == 0) v.Add($"{at}.number", "is verplicht.");
        else if (!NumberPattern().IsMatch(number))
            v.Add($"{at}.number", $"'{Slug.Truncate(number)}' is geen geldig lidnummer: 1 tot 20 letters, cijfers, '.', '/' of '-'.");
        var name = v.Text($"{at}.name", input.Name);
        var category = MemberCategory.Overig;
        if (string.IsNullOrWhiteSpace(input.Category)) v.Add($"{at}.category", "is verplicht.");
        else if (!TryParseCategory(input.Category, out category))
            v.Add($"{at}.category", $"'{Slug.Truncate(input.Category)}' is geen categorie; kies uit {CategoryNames}.");
        var weq = input.Woningequivalenten ?? 1;
        if (weq is < 0 or > MaxWoningequivalenten)
            v.Add($"{at}.woningequivalenten", $"moet tussen 0 en {MaxWoningequivalenten} liggen.");
        var address = Address(v, at, input.Postcode, input.Huisnummer, input.Toevoeging);
        if (input.JoinedOn is not { } joined) { v.Add($"{at}.joinedOn", "is verplicht."); joined = today; }
        else if (joined > today) v.Add($"{at}.joinedOn", $"{DutchFormat.Date(joined)} ligt in de toekomst.");
        if (input.LeftOn is { } left && left <= joined)
            v.Add($"{at}.leftOn", $"{DutchFormat.Date(left)} ligt niet na de datum van toetreden ({DutchFormat.Date(joined)}).");
        if (v.Errors.Count > before) return null;
        return new Member
        {
            Number = NormaliseNumber(number), Name = name, Category = category, Woningequivalenten = weq,
            Address = address!, JoinedOn = joined, LeftOn = input.LeftOn,
            EligibleToVote = input.EligibleToVote ?? true,
        };
    }

    /// <summary>Checks a Dutch address (fields "{at}.postcode", "{at}.huisnummer", "{at}.toevoeging"); null when it is wrong.</summary>
    public static DutchAddress? Address(Validation v, string at, string? postcode, int? huisnummer, string? toevoeging)
    {
        var before = v.Errors.Count;
        var normalised = NormalisePostcode(postcode);
        if (string.IsNullOrWhiteSpace(postcode)) v.Add($"{at}.postcode", "is verplicht.");
        else if (normalised is null) v.Add($"{at}.postcode", $"'{Slug.Truncate(postcode)}' is geen Nederlandse postcode (bijv. 1051 AB).");
        if (huisnummer is not { } number) { v.Add($"{at}.huisnummer", "is verplicht."); number = 0; }
        else if (number is < 1 or > 99_999) v.Add($"{at}.huisnummer", "moet tussen 1 en 99999 liggen.");
        var addition = string.IsNullOrWhiteSpace(toevoeging) ? null : toevoeging.Trim().ToUpperInvariant();
        if (addition is not null && !AdditionPattern().IsMatch(addition))
            v.Add($"{at}.toevoeging", "mag alleen 1 tot 10 letters en cijfers bevatten.");
        return v.Errors.Count > before ? null : new DutchAddress(normalised!, number, addition);
    }

    /// <summary>Merges validated members into the register by member number: new ones are added, known ones replaced.</summary>
    public static RegistrationResult Merge(IDictionary<string, Member> register, IEnumerable<Member> members)
    {
        int created = 0, updated = 0, unchanged = 0;
        foreach (var member in members)
        {
            if (!register.TryGetValue(member.Number, out var known)) created++;
            else if (known == member) { unchanged++; continue; }
            else updated++;
            register[member.Number] = member;
        }
        return new RegistrationResult(created, updated, unchanged);
    }

    public static MemberSummary Summarise(string cooperativeId, IEnumerable<Member> register, LocalDate on)
    {
        int members = 0, eligible = 0, weq = 0, former = 0;
        var byCategory = new Dictionary<MemberCategory, (int Members, int Weq)>();
        foreach (var m in register)
        {
            if (!m.IsMemberOn(on))
            {
                if (m.JoinedOn <= on) former++;
                continue;
            }
            members++;
            weq += m.Woningequivalenten;
            if (m.EligibleToVote) eligible++;
            var (count, sum) = byCategory.GetValueOrDefault(m.Category);
            byCategory[m.Category] = (count + 1, sum + m.Woningequivalenten);
        }
        return new MemberSummary
        {
            CooperativeId = cooperativeId, On = on, Members = members, EligibleToVote = eligible, Woningequivalenten = weq,
            FormerMembers = former,
            ByCategory = [.. Enum.GetValues<MemberCategory>().Where(byCategory.ContainsKey)
                .Select(c => new CategoryCount(c, byCategory[c].Members, byCategory[c].Weq))],
        };
    }

    /// <summary>Which of <paramref name="numbers"/> may vote on <paramref name="on"/>; the others with the reason.</summary>
    public static EligibilityCheck Check(IReadOnlyDictionary<string, Member> register, IEnumerable<string> numbers, LocalDate on)
    {
        var voters = ImmutableArray.CreateBuilder<Voter>();
        var refused = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var raw in numbers)
        {
            var number = NormaliseNumber(raw);
            if (!register.TryGetValue(number, out var m))
                refused[number] = $"lidnummer {number} staat niet in het ledenregister.";
            else if (m.JoinedOn > on)
                refused[number] = $"lid {number} is pas op {DutchFormat.Date(m.JoinedOn)} lid geworden, na {DutchFormat.Date(on)}.";
            else if (m.LeftOn is { } left && left <= on)
                refused[number] = $"lid {number} is op {DutchFormat.Date(left)} uitgeschreven.";
            else if (!m.EligibleToVote)
                refused[number] = $"lid {number} is volgens de statuten niet stemgerechtigd.";
            else
                voters.Add(new Voter(number, m.Woningequivalenten));
        }
        return new EligibilityCheck(voters.ToImmutable(), refused.ToImmutable());
    }

    public static Electorate ElectorateOn(IEnumerable<Member> register, LocalDate on)
    {
        int count = 0;
        long weq = 0;
        foreach (var m in register)
        {
            if (!m.MayVoteOn(on)) continue;
            count++;
            weq += m.Woningequivalenten;
        }
        return new Electorate(on, count, weq);
    }
}
