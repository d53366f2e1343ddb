using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Warmte.Alv;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Spreadsheets.Import;

/// <summary>
/// The imports from the spreadsheets cooperatives keep: the member list, the ballot list of an ALV,
/// and the consent answers of a complex. Each reads rows into the same inputs the API takes and
/// checks them with the same domain rules, so a file that reads cleanly is accepted by the service.
/// </summary>
public static partial class Imports
{
    public static readonly ImmutableArray<ColumnSpec> MemberColumns =
    [
        new("number", "Lidnummer", true, "lidnummer", "lid nr", "lidnr", "lid nummer", "member number", "membership number", "nummer", "nr lid"),
        new("name", "Naam", true, "naam", "name", "volledige naam", "naam lid", "full name"),
        new("category", "Categorie", true, "categorie", "category", "soort lid", "soort", "type lid"),
        new("woningequivalenten", "Woningequivalenten", false, "woningequivalenten", "woningequivalent", "weq", "aantal weq", "dwelling equivalents"),
        new("postcode", "Postcode", true, "postcode", "post code", "zip", "zip code", "postal code"),
        new("huisnummer", "Huisnummer", true, "huisnummer", "huisnr", "huis nr", "house number", "nr"),
        new("toevoeging", "Toevoeging", false, "toevoeging", "huisnummertoevoeging", "toev", "addition", "suffix"),
        new("joinedOn", "Lid sinds", true, "lid sinds", "datum toetreding", "toegetreden", "ingeschreven", "inschrijfdatum", "joined", "join date", "member since"),
        new("leftOn", "Uitgeschreven", false, "uitgeschreven", "datum uittreding", "uitgetreden", "opgezegd", "left", "left on"),
        new("eligibleToVote", "Stemgerechtigd", false, "stemgerechtigd", "stemrecht", "mag stemmen", "eligible", "voting rights"),
    ];

    public static ImportResult<MemberInput> Members(IEnumerable<Sheet> sheets, NodaTime.LocalDate today) =>
        RowImport.Read(sheets, MemberColumns, c => new MemberInput
        {
            Number = c.Text("number"), Name = c.Text("name"), Category = c.Text("category"),
            Woningequivalenten = c.WholeNumber("woningequivalenten"), Postcode = c.Text("postcode"),
            Huisnummer = c.WholeNumber("huisnummer"), Toevoeging = c.Text("toevoeging"),
            JoinedOn = c.Date("joinedOn"), LeftOn = c.Date("leftOn"), EligibleToVote = c.YesNo("eligibleToVote"),
        }, (_, rows) => DomainProblems(rows, MemberRules.Validate([.. rows.Select(r => (MemberInput?)r.Item)], today).Refusal));

    public static readonly ImmutableArray<ColumnSpec> BallotColumns =
    [
        new("memberNumber", "Lidnummer", true, "lidnummer", "lid nr", "lidnr", "member number", "nummer"),
        new("choice", "Stem", true, "stem", "keuze", "vote", "choice", "stemkeuze"),
        new("proxyHolder", "Gevolmachtigde", false, "gevolmachtigde", "volmacht aan", "volmacht", "proxy", "proxy holder"),
    ];

    public static ImportResult<CastBallot> Ballots(IEnumerable<Sheet> sheets) =>
        RowImport.Read(sheets, BallotColumns, c =>
        {
            var number = c.Text("memberNumber");
            if (number is null) c.Problem("memberNumber", "is leeg.");
            var choice = Choice(c.Text("choice"));
            if (choice is null) c.Problem("choice", $"'{c.Text("choice")}' is geen stem; schrijf voor, tegen of onthouding.");
            return new CastBallot { MemberNumber = number, Choice = choice, ProxyHolder = c.Text("proxyHolder") };
        }, (_, rows) => Duplicates(rows, r => MemberRules.NormaliseNumber(r.MemberNumber!), "memberNumber", "lid {0} staat er al in op rij {1}; een lid stemt één keer."));

    public static readonly ImmutableArray<ColumnSpec> ConsentColumns =
    [
        new("postcode", "Postcode", true, "postcode", "post code", "zip"),
        new("huisnummer", "Huisnummer", true, "huisnummer", "huisnr", "nr", "house number"),
        new("toevoeging", "Toevoeging", false, "toevoeging", "toev", "huisnummertoevoeging", "addition"),
        new("response", "Antwoord", true, "antwoord", "reactie", "akkoord", "instemming", "response", "answer"),
        new("on", "Datum", true, "datum", "datum antwoord", "ontvangen", "ontvangen op", "date"),
    ];

    public static ImportResult<DeclarationInput> Consent(IEnumerable<Sheet> sheets) =>
        RowImport.Read(sheets, ConsentColumns, c =>
        {
            var response = Response(c.Text("response"));
            if (response is null) c.Problem("response", $"'{c.Text("response")}' is geen antwoord; schrijf akkoord of geweigerd.");
            var on = c.Date("on");
            if (on is null && c.Text("on") is null) c.Problem("on", "is leeg.");
            var v = new Common.Validation();
            var address = MemberRules.Address(v, "", c.Text("postcode"), c.WholeNumber("huisnummer"), c.Text("toevoeging"));
            foreach (var e in v.Errors) c.Problem(e.Field.TrimStart('.'), e.Reason);
            return address is null ? null : new DeclarationInput
            {
                Postcode = address.Postcode, Huisnummer = address.Huisnummer, Toevoeging = address.Toevoeging, Response = response, On = on,
            };
        }, (_, rows) => Duplicates(rows, r => $"{r.Postcode} {r.Huisnummer} {r.Toevoeging}", "postcode", "adres {0} staat er al in op rij {1}."));

    private static string? Choice(string? text) => text is null ? null : HeaderMatcher.Normalise(text) switch
    {
        "voor" or "v" or "ja" or "for" or "yes" => "Voor",
        "tegen" or "t" or "nee" or "against" or "no" => "Tegen",
        "onthouding" or "onthouden" or "o" or "blanco" or "abstain" or "abstention" => "Onthouding",
        _ => null,
    };

    private static string? Response(string? text) => text is null ? null : HeaderMatcher.Normalise(text) switch
    {
        "akkoord" or "ja" or "instemming" or "stemtin" or "agree" or "yes" or "j" => "Akkoord",
        "geweigerd" or "nee" or "weigering" or "nietakkoord" or "refused" or "no" or "n" => "Geweigerd",
        _ => null,
    };

    private static IEnumerable<(int, string, string)> Duplicates<T>(IReadOnlyList<ImportedRow<T>> rows, Func<T, string> key, string field, string reason)
    {
        var first = new Dictionary<string, int>();
        foreach (var row in rows)
        {
            var k = key(row.Item);
            if (first.TryGetValue(k, out var at)) yield return (row.Row, field, string.Format(reason, k, at));
            else first[k] = row.Row;
        }
    }

    [GeneratedRegex(@"\w+\[(\d+)\]")]
    private static partial Regex IndexedItem();

    [GeneratedRegex(@"^\w+\[(\d+)\]\.?(.*)$")]
    private static partial Regex IndexedField();

    /// <summary>Maps the domain's "members[3].postcode" back to the row the item came from.</summary>
    private static IEnumerable<(int, string, string)> DomainProblems<T>(IReadOnlyList<ImportedRow<T>> rows, Common.Refusal? refusal)
    {
        if (refusal is null) yield break;
        foreach (var error in refusal.Errors)
        {
            var match = IndexedField().Match(error.Field);
            if (match.Success && int.Parse(match.Groups[1].Value) is var i && i < rows.Count)
                yield return (rows[i].Row, match.Groups[2].Value,
                    IndexedItem().Replace(error.Reason, m => int.Parse(m.Groups[1].Value) is var j && j < rows.Count ? $"rij {rows[j].Row}" : m.Value));
        }
    }
}
