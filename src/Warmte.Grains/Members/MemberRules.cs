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

    /// <summary>Woningequivalenten have at most this many decimals (2,5 for a café; 0,25 for a small office).</summary>
    public const int WoningequivalentenDecimals = 2;

    private static readonly ImmutableDictionary<string, MemberCategory> Categories =
        new Dictionary<string, MemberCategory>(StringComparer.OrdinalIgnoreCase)
        {
            ["eigenaar-bewoner"] = MemberCategory.EigenaarBewoner, ["eigenaarbewoner"] = MemberCategory.EigenaarBewoner,
            ["eigenaar"] = MemberCategory.EigenaarBewoner, ["owner-occupier"] = MemberCategory.EigenaarBewoner,
            ["huurder"] = MemberCategory.Huurder, ["huurder-bewoner"] = MemberCategory.Huurder, ["tenant"] = MemberCategory.Huurder,
            ["bedrijf"] = MemberCategory.Bedrijf, ["business"] = MemberCategory.Bedrijf,
            ["overig"] = MemberCategory.Overig, ["other"] = MemberCategory.Overig, ["anders"] = MemberCategory.Overig,
        }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    public static string CategoryNames => "eigenaar-bewoner, huurder, bedrijf, overig";

    /// <summary>
    /// A category in any case, with stray spaces or punctuation as secretaries write it: "HUURDER", "Huurder ", " eigenaar ",
    /// "Eigenaar bewoner", "eigenaar/bewoner", "Eigenaar – bewoner" (a dash Excel's autocorrect made), "huurder.".
    /// </summary>
    public static bool TryParseCategory(string? text, out MemberCategory category)
    {
        var key = CategoryKey(text);
        return Categories.TryGetValue(key, out category) || Categories.TryGetValue(key.Replace("-", ""), out category);
    }

    /// <summary>The written category reduced to lower-case words joined by '-' ("Eigenaar / Bewoner." is "eigenaar-bewoner").</summary>
    private static string CategoryKey(string? text) =>
        Regex.Replace((text ?? "").Trim().TrimEnd('.').Trim().ToLowerInvariant(), @"[\s_\-/\\\u2010-\u2015]+", "-").Trim('-');

    /// <summary>
    /// Words that name a member who may be either an owner-occupier or a tenant: "bewoner" (a resident) says where someone
    /// lives, not whether they own it, and the two count differently (tenant consent, the Wcw check), so it is never guessed.
    /// </summary>
    private static readonly ImmutableHashSet<string> Ambiguous =
        ImmutableHashSet.Create(StringComparer.OrdinalIgnoreCase, "bewoner", "bewoners", "bewoonster", "resident", "occupant");

    /// <summary>Why a written category is refused: an ambiguous word explained, anything else with the list to choose from.</summary>
    public static string CategoryRefusal(string written) =>
        Ambiguous.Contains(CategoryKey(written))
            ? $"'{Slug.Truncate(written.Trim())}' is niet eenduidig: een bewoner kan eigenaar of huurder van de woning zijn. "
              + "Kies eigenaar-bewoner (eigen woning) of huurder (huurwoning); voor een bedrijf bedrijf, anders overig."
            : $"'{Slug.Truncate(written)}' is geen categorie; kies uit {CategoryNames}.";

    /// <summary>The postcode as the register writes it ("1051 AB"), or null when it is not a Dutch postcode.</summary>
    public static string? NormalisePostcode(string? text) => Postcode.Normalise(text);

    /// <summary>Member numbers compare without surrounding spaces and without case ("l-12" is "L-12").</summary>
    public static string NormaliseNumber(string number) => number.Trim().ToUpperInvariant();

    /// <summary>
    /// Validates every input (fields named "members[i].field"); refuses the lot if any is wrong or
    /// a member number occurs twice in the input.
    /// </summary>
    /// <param name="defaultJoinedOn">The join date of members whose own <c>joinedOn</c> is empty (a list without that column).</param>
    /// <param name="foundedOn">The cooperative's founding date: nobody joins before it (null: not known, not checked).</param>
    public static Outcome<ImmutableArray<Member>> Validate(IReadOnlyList<MemberInput?> inputs, LocalDate today, string path = "members", LocalDate? defaultJoinedOn = null,
        LocalDate? foundedOn = null)
    {
        var (members, v, _) = Each(inputs, today, path, defaultJoinedOn, foundedOn, stored: null);
        return v.HasErrors ? v.ToRefusal() : Outcome<ImmutableArray<Member>>.Ok(members);
    }

    /// <summary>
    /// Good rows only (the caller asked to skip bad ones): the members that are valid, and every
    /// problem of the others. A call that is wrong as a whole (empty, too large) is still refused.
    /// </summary>
    public static Outcome<(ImmutableArray<Member> Members, ImmutableArray<FieldError> Skipped)> ValidateGoodOnly(
        IReadOnlyList<MemberInput?> inputs, LocalDate today, string path = "members", LocalDate? defaultJoinedOn = null, LocalDate? foundedOn = null)
    {
        var (members, v, _) = Each(inputs, today, path, defaultJoinedOn, foundedOn, stored: null);
        if (v.Errors.Any(e => !e.Field.StartsWith(path + "[", StringComparison.Ordinal))) return v.ToRefusal(); // the call as a whole is wrong
        return Outcome<(ImmutableArray<Member>, ImmutableArray<FieldError>)>.Ok((members, [.. v.Errors]));
    }

    /// <summary>
    /// The inputs checked against the stored register (review F1, tester A5): what a registration stores.
    /// A field the input does not give (null: a column not in the file, a property left out of a PUT) keeps the
    /// stored value: <c>leftOn</c>, <c>woningequivalenten</c>, <c>eligibleToVote</c> and <c>email</c> (an empty
    /// e-mail text clears it). A member whose name and address were erased (AVG) is never filled again: that row is
    /// left out and named in <see cref="Prepared.Erased"/>, whatever else it says. A write-out is undone only by
    /// <see cref="Rejoin"/>, never by a list.
    /// </summary>
    /// <param name="skipInvalid">Good rows only: the others' problems in <see cref="Prepared.Skipped"/>; otherwise one bad row refuses all.</param>
    public static Outcome<Prepared> Prepare(IReadOnlyList<MemberInput?> inputs, IReadOnlyDictionary<string, Member> stored, LocalDate today, bool skipInvalid = false,
        LocalDate? defaultJoinedOn = null, LocalDate? foundedOn = null, string path = "members")
    {
        var (members, v, erased) = Each(inputs, today, path, defaultJoinedOn, foundedOn, stored);
        if (!v.HasErrors) return Outcome<Prepared>.Ok(new Prepared(members, [], erased));
        if (!skipInvalid || v.Errors.Any(e => !e.Field.StartsWith(path + "[", StringComparison.Ordinal))) return v.ToRefusal();
        return Outcome<Prepared>.Ok(new Prepared(members, [.. v.Errors], erased));
    }

    /// <summary>The members a registration stores, the problems of rows left out (good rows only), and the rows of erased members left as they were.</summary>
    public sealed record Prepared(ImmutableArray<Member> Members, ImmutableArray<FieldError> Skipped, ImmutableArray<FieldError> Erased);

    /// <summary>Why a row about an erased member is left out: "gewist op 06-12-2026 (AVG)".</summary>
    public static string ErasedRowReason(Member erased) =>
        $"lid {erased.Number} is gewist op {DutchFormat.Date(erased.ErasedOn!.Value)} (AVG); een gewist lid wordt niet opnieuw gevuld, er is niets aan veranderd.";

    private static (ImmutableArray<Member> Members, Validation Problems, ImmutableArray<FieldError> Erased) Each(IReadOnlyList<MemberInput?> inputs, LocalDate today,
        string path, LocalDate? defaultJoinedOn, LocalDate? foundedOn, IReadOnlyDictionary<string, Member>? stored)
    {
        var v = new Validation();
        if (inputs.Count == 0) v.Add(path, "bevat geen leden.");
        if (inputs.Count > MaxPerCall) v.Add(path, $"bevat meer dan {MaxPerCall} leden; splits de invoer.");
        if (defaultJoinedOn is { } all && all > today) v.Add("joinedOn", $"{DutchFormat.Date(all)} ligt in de toekomst.");
        else if (defaultJoinedOn is { } early && BeforeFounding(early, foundedOn) is { } reason) v.Add("joinedOn", reason);
        if (v.HasErrors) return ([], v, []);

        var members = ImmutableArray.CreateBuilder<Member>(inputs.Count);
        var erased = ImmutableArray.CreateBuilder<FieldError>();
        var firstIndex = new Dictionary<string, int>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (inputs[i] is not { } input)
            {
                v.Add(at, "is leeg.");
                continue;
            }
            var known = stored is not null && input.Number is { } raw ? stored.GetValueOrDefault(NormaliseNumber(raw)) : null;
            if (known?.ErasedOn is not null)
            {
                erased.Add(new FieldError($"{at}.number", ErasedRowReason(known)));
                continue;
            }
            if (One(v, at, input, today, defaultJoinedOn, foundedOn, known) is { } member)
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
        return (members.ToImmutable(), v, erased.ToImmutable());
    }

    /// <summary>How far ahead a leave date may lie: a notice is given for months, not decades (review F7).</summary>
    public const int LeaveHorizonYears = 5;

    /// <summary>The last day a member can be written out from <paramref name="today"/> (overflow-proof at the calendar's end).</summary>
    public static LocalDate LeaveHorizon(LocalDate today) =>
        today.Year <= LocalDate.MaxIsoValue.Year - LeaveHorizonYears ? today.PlusYears(LeaveHorizonYears) : LocalDate.MaxIsoValue;

    /// <summary>Why a leave date cannot be (too far ahead), or null when it can.</summary>
    private static string? BeyondHorizon(LocalDate leftOn, LocalDate today) =>
        leftOn > LeaveHorizon(today)
            ? $"{DutchFormat.Date(leftOn)} ligt meer dan {LeaveHorizonYears} jaar in de toekomst (uiterlijk {DutchFormat.Date(LeaveHorizon(today))}); controleer het jaartal."
            : null;

    private static Member? One(Validation v, string at, MemberInput input, LocalDate today, LocalDate? defaultJoinedOn, LocalDate? foundedOn, Member? known)
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
            v.Add($"{at}.category", CategoryRefusal(input.Category));
        var weq = Woningequivalenten(v, $"{at}.woningequivalenten", input.Woningequivalenten ?? known?.Woningequivalenten ?? 1);
        var address = Address(v, at, input.Postcode, input.Huisnummer, input.Toevoeging, input.Huisletter);
        if ((input.JoinedOn ?? defaultJoinedOn) is not { } joined) { v.Add($"{at}.joinedOn", "is verplicht."); joined = today; }
        else if (joined > today) v.Add($"{at}.joinedOn", $"{DutchFormat.Date(joined)} ligt in de toekomst.");
        else if (input.JoinedOn is not null && BeforeFounding(joined, foundedOn) is { } reason) v.Add($"{at}.joinedOn", reason);
        // Not given: the stored e-mail address stays; an empty text clears it.
        var email = input.Email is null ? known?.Email : Email(v, $"{at}.email", input.Email);
        // The same for street and town (optional; the letter with the voting code needs them: tester6 T8).
        var street = input.Street is null ? known?.Street : AddressText(v, $"{at}.street", input.Street);
        var town = input.Town is null ? known?.Town : AddressText(v, $"{at}.town", input.Town);
        if (input.LeftOn is { } left)
        {
            if (left <= joined) v.Add($"{at}.leftOn", $"{DutchFormat.Date(left)} ligt niet na de datum van toetreden ({DutchFormat.Date(joined)}).");
            else if (BeyondHorizon(left, today) is { } far) v.Add($"{at}.leftOn", far);
        }
        else if (known?.LeftOn is { } kept && kept <= joined)
            v.Add($"{at}.joinedOn", $"{DutchFormat.Date(joined)} ligt niet vóór de uitschrijving van dit lid ({DutchFormat.Date(kept)}). "
                                    + "Een lid dat na de uitschrijving opnieuw lid wordt, krijgt een nieuw lidnummer; een uitschrijving intrekken kan met warmte member rejoin.");
        if (v.Errors.Count > before) return null;
        return new Member
        {
            Number = NormaliseNumber(number), Name = name, Category = category, Woningequivalenten = weq,
            Address = address!, JoinedOn = joined, LeftOn = input.LeftOn ?? known?.LeftOn,
            EligibleToVote = input.EligibleToVote ?? known?.EligibleToVote ?? true, Email = email, Street = street, Town = town,
        };
    }

    /// <summary>
    /// The member with <paramref name="leftOn"/> as the day they leave (the first day they are no longer a member; a
    /// date in the future is a notice given). It must lie after the join date. An erased member is refused: their
    /// entry is kept only for the counts.
    /// </summary>
    public static Outcome<Member> Leave(Member? member, string number, LocalDate leftOn, LocalDate today)
    {
        if (member is null) return Refusal.NotFound("Lid", number);
        if (member.ErasedOn is not null)
            return Refusal.Conflict("member-erased", $"Lid {member.Number} is al gewist; de uitschrijving ({DutchFormat.Date(member.LeftOn ?? leftOn)}) blijft zoals ze was.");
        if (leftOn <= member.JoinedOn)
            return Refusal.Invalid("leftOn", $"{DutchFormat.Date(leftOn)} ligt niet na de datum van toetreden ({DutchFormat.Date(member.JoinedOn)}).");
        if (BeyondHorizon(leftOn, today) is { } far) return Refusal.Invalid("leftOn", far);
        return Outcome<Member>.Ok(member with { LeftOn = leftOn });
    }

    /// <summary>The member with the earliest join date (the lowest number among equal dates); null when there is none.</summary>
    public static FirstJoined? FirstJoined(IEnumerable<Member> members) =>
        members.OrderBy(m => m.JoinedOn).ThenBy(m => m.Number, StringComparer.Ordinal).Select(m => new FirstJoined(m.Number, m.JoinedOn)).FirstOrDefault();

    /// <summary>
    /// The member with the write-out withdrawn (<c>leftOn</c> cleared): a notice the member took back, or a
    /// member written out by mistake. The member then counts as a member for the whole time since joining. An
    /// erased member is refused (their name and address are gone: a new membership gets a new number); a member
    /// who was not written out is returned unchanged.
    /// </summary>
    public static Outcome<Member> Rejoin(Member? member, string number)
    {
        if (member is null) return Refusal.NotFound("Lid", number);
        if (member.ErasedOn is { } erased)
            return Refusal.Conflict("member-erased",
                $"Lid {member.Number} is gewist op {DutchFormat.Date(erased)} (AVG); de uitschrijving blijft. Wordt deze persoon opnieuw lid, schrijf hem of haar dan in onder een nieuw lidnummer.");
        return Outcome<Member>.Ok(member.LeftOn is null ? member : member with { LeftOn = null });
    }

    /// <summary>Why a join date cannot be (before the cooperative was founded), or null when it can.</summary>
    private static string? BeforeFounding(LocalDate joined, LocalDate? foundedOn) =>
        foundedOn is { } founded && joined < founded
            ? $"{DutchFormat.Date(joined)} ligt vóór de oprichting van de coöperatie ({DutchFormat.Date(founded)}); niemand is lid vóór de oprichting."
            : null;

    /// <summary>Longest street or town name: the longest Dutch street names are about 40 characters (BAG: at most 80).</summary>
    public const int MaxAddressTextLength = 80;

    /// <summary>An optional street or town: empty is none; otherwise one line of at most <see cref="MaxAddressTextLength"/> characters, trimmed.</summary>
    public static string? AddressText(Validation v, string field, string? text)
    {
        // One line (the shared rule of free text, FreeText.OneLine, in OptionalText).
        var before = v.Errors.Count;
        var value = v.OptionalText(field, text, MaxAddressTextLength);
        if (v.Errors.Count > before) return null;
        // A whitespace run collapses to one space: "Eerste  Helmersstraat" from a spreadsheet is the same street.
        return value is null ? null : string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Longest e-mail address (RFC 5321: 254 characters).</summary>
    public const int MaxEmailLength = 254;

    [GeneratedRegex(@"^[^\s@""(),:;<>\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    /// <summary>
    /// An optional e-mail address: empty is none; otherwise exactly one address "naam@domein.nl"
    /// (no display name, no list), stored trimmed with the domain in lower case.
    /// </summary>
    public static string? Email(Validation v, string field, string? text)
    {
        var email = text?.Trim();
        if (string.IsNullOrEmpty(email)) return null;
        if (email.Length > MaxEmailLength) { v.Add(field, $"is langer dan {MaxEmailLength} tekens."); return null; }
        if (email.Count(c => c == '@') > 1 || email.IndexOfAny([',', ';', ' ']) >= 0)
        {
            v.Add(field, "bevat meer dan één adres of spaties; geef één e-mailadres per lid (bijv. naam@voorbeeld.nl).");
            return null;
        }
        if (!EmailPattern().IsMatch(email))
        {
            v.Add(field, $"'{Slug.Truncate(email)}' is geen e-mailadres (bijv. naam@voorbeeld.nl).");
            return null;
        }
        var at = email.LastIndexOf('@');
        return email[..at] + "@" + email[(at + 1)..].ToLowerInvariant();
    }

    /// <summary>
    /// Woningequivalenten: 0–<see cref="MaxWoningequivalenten"/> with at most two decimals; returned
    /// without trailing zeros (2,50 is kept as 2,5, so re-sending the same list changes nothing).
    /// </summary>
    public static decimal Woningequivalenten(Validation v, string field, decimal weq)
    {
        if (weq is < 0 or > MaxWoningequivalenten)
            v.Add(field, $"moet tussen 0 en {MaxWoningequivalenten} liggen.");
        else if (decimal.Round(weq, WoningequivalentenDecimals) != weq)
            v.Add(field, $"{weq.ToString(DutchFormat.Culture)} heeft meer dan {WoningequivalentenDecimals} decimalen; rond af op {WoningequivalentenDecimals} decimalen (bijv. 2,5 of 0,25).");
        return Normalise(weq);
    }

    /// <summary>
    /// Above this many woningequivalenten one member is flagged, not refused: a large business or a whole building may
    /// count this much, but far more often it is a typing slip ("1.250,5" for 1,25), and under statutes that weigh
    /// votes by woningequivalenten one such row outvotes everyone (tester6 T7).
    /// </summary>
    public const decimal PlausibleWoningequivalenten = 50m;

    /// <summary>
    /// Why <paramref name="weq"/> for one member looks implausible, or null: more than
    /// <see cref="PlausibleWoningequivalenten"/>, or more than the cooperative's projects count together
    /// (<paramref name="projectWoningequivalenten"/>, when known and above 0). <paramref name="typed"/> is the
    /// cell as written; a point in it that reads as a thousands separator is named as a likely slip.
    /// </summary>
    public static string? ImplausibleWoningequivalenten(decimal weq, decimal? projectWoningequivalenten = null, string? typed = null)
    {
        var aboveProjects = projectWoningequivalenten is > 0m && weq > projectWoningequivalenten;
        if (weq <= PlausibleWoningequivalenten && !aboveProjects) return null;
        var why = aboveProjects
            ? $"meer dan de projecten van de coöperatie samen ({DutchFormat.Number(projectWoningequivalenten!.Value)})"
            : $"meer dan {DutchFormat.Number(PlausibleWoningequivalenten)}";
        var slip = typed is not null && ThousandsPoint().IsMatch(typed.Trim())
            ? $" In '{typed.Trim()}' scheidt de punt duizendtallen; is dat bedoeld, of een tikfout (bijv. voor 1,25)?"
            : "";
        return $"{DutchFormat.Number(weq)} woningequivalenten is ongewoon veel voor één lid ({why}).{slip} Controleer de waarde; de rij wordt wel ingelezen.";
    }

    /// <summary>A point followed by exactly three digits and then the end, a comma or another point: "1.250,5", "1.250".</summary>
    [GeneratedRegex(@"\d\.\d{3}(?:[,.]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex ThousandsPoint();

    /// <summary>The same number without trailing zeros (2.50 → 2.5, 1.0 → 1).</summary>
    public static decimal Normalise(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>
    /// Checks a Dutch address (fields "{at}.postcode", "{at}.huisnummer", "{at}.huisletter",
    /// "{at}.toevoeging"), naming every problem; null when it is wrong.
    /// </summary>
    public static DutchAddress? Address(Validation v, string at, string? postcode, int? huisnummer, string? toevoeging, string? huisletter = null)
    {
        var before = v.Errors.Count;
        var normalised = NormalisePostcode(postcode);
        if (string.IsNullOrWhiteSpace(postcode)) v.Add($"{at}.postcode", "is verplicht.");
        else if (normalised is null) v.Add($"{at}.postcode", $"'{Slug.Truncate(postcode)}' is geen Nederlandse postcode (bijv. 1051 AB).");
        var (house, problems) = HouseNumber.Of(huisnummer, huisletter, toevoeging);
        foreach (var (part, reason) in problems) v.Add($"{at}.{part}", reason);
        return v.Errors.Count > before ? null : new DutchAddress(normalised!, house!.Value.Number, house.Value.Addition, house.Value.Letter);
    }

    /// <summary>
    /// Merges validated members into the register by member number: new ones are added, known ones replaced
    /// (<see cref="Prepare"/> has filled what the input did not give). A stored <c>leftOn</c> stays when the member
    /// comes without one, and an erased member is never replaced (review F1), also when called without <see cref="Prepare"/>.
    /// </summary>
    public static RegistrationResult Merge(IDictionary<string, Member> register, IEnumerable<Member> members)
    {
        int created = 0, updated = 0, unchanged = 0;
        foreach (var input in members)
        {
            var member = input;
            if (!register.TryGetValue(member.Number, out var known)) created++;
            else if (known.ErasedOn is not null) { unchanged++; continue; }
            else if ((member = member with { LeftOn = member.LeftOn ?? known.LeftOn }) == known) { unchanged++; continue; }
            else updated++;
            register[member.Number] = member;
        }
        return new RegistrationResult(created, updated, unchanged);
    }

    public static MemberSummary Summarise(string cooperativeId, IEnumerable<Member> register, LocalDate on)
    {
        int members = 0, eligible = 0, former = 0;
        decimal weq = 0;
        var byCategory = new Dictionary<MemberCategory, (int Members, decimal Weq)>();
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
        decimal weq = 0; // exact: at most two decimals each
        foreach (var m in register)
        {
            if (!m.MayVoteOn(on)) continue;
            count++;
            weq += m.Woningequivalenten;
        }
        return new Electorate(on, count, weq);
    }
}
