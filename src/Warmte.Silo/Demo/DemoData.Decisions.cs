using NodaTime;
using Warmte.Alv;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Silo.Demo;

/// <summary>
/// KetelhuisWG's members, its ALV of 14-12-2024 and Stadgenoot's tenant consent. The seed gives
/// only the result (realisatiebesluit with 96% of the votes; 70% consent required), so the members,
/// the counts behind the 96% and the complexes are fictional and say so.
/// </summary>
public sealed partial class DemoData
{
    private const int DemoMembers = 150;

    private async Task MembersAndRealisatiebesluit()
    {
        var register = grains.GetGrain<IMemberRegisterGrain>("ketelhuiswg");
        var categories = new[] { "eigenaar-bewoner", "huurder", "huurder", "bedrijf" };
        await Ensure(register.Register([.. Enumerable.Range(1, DemoMembers).Select(i => (MemberInput?)new MemberInput
        {
            Number = $"KWG-{i:0000}", Name = $"Lid {i} (fictief)", Category = categories[i % categories.Length],
            Woningequivalenten = i % categories.Length == 3 ? 4 : 1,
            Postcode = $"1054 {"ABCDEFGH"[i % 8]}{"KLMNPRTV"[i / 8 % 8]}", Huisnummer = 1 + i % 80,
            JoinedOn = new LocalDate(2019, 12, 18).PlusDays(i * 7),
            // Statutes (KetelhuisWG): only paying members who live or work on the terrain vote.
            EligibleToVote = i % 15 != 0,
        })], Actor));

        var alv = grains.GetGrain<IAlvGrain>("ketelhuiswg");
        if ((await alv.Meetings()).Any(m => m.Id == "alv-2024-12-14")) return;
        await Ensure(alv.CreateMeeting(new CreateMeeting
        {
            Id = "alv-2024-12-14", Title = "Algemene ledenvergadering: realisatiebesluit warmtenet",
            Date = new LocalDate(2024, 12, 14), NoticeDate = new LocalDate(2024, 11, 29),
            Proposals = [new ProposalInput { Id = "realisatiebesluit", Title = "Realisatiebesluit Warmtenet WG-terrein", DecisionType = "Realisatiebesluit", ProjectId = "wg-terrein" }],
        }, Actor));
        // The seed: 96% of the votes. The attendance list (100 eligible members) is fictional.
        var present = Enumerable.Range(1, 110).Where(i => i % 15 != 0).Take(100).Select(i => (string?)$"KWG-{i:0000}").ToArray();
        await Ensure(alv.RecordTally("alv-2024-12-14", "realisatiebesluit",
            new RecordTally { For = 96, Against = 4, Abstain = 0, Present = [.. present], Proxies = [] }, Actor));
        await Ensure(alv.Close("alv-2024-12-14", "realisatiebesluit", Actor));
    }

    private async Task TenantConsent()
    {
        var consent = grains.GetGrain<ITenantConsentGrain>("wg-terrein");
        if ((await consent.Status(withAddresses: false)).Complexes.Length > 0) return;
        var proposal = new LocalDate(2025, 1, 15);
        foreach (var (id, name, homes, agreed, refused, postcode) in new[]
                 {
                     ("stadgenoot-a", "Stadgenoot complex A (fictief)", 120, 90, 12, "1054 XA"),
                     ("stadgenoot-b", "Stadgenoot complex B (fictief)", 60, 43, 5, "1054 XB"),
                 })
        {
            await Ensure(consent.SetComplex(id, new SetComplex
            {
                Name = name, Corporation = "Stadgenoot", RentedHomes = homes, ProposalDate = proposal, Deadline = new LocalDate(2025, 3, 31),
            }, Actor));
            await Ensure(consent.RecordDeclarations(id, new RecordDeclarations
            {
                Declarations = [.. Enumerable.Range(1, agreed + refused).Select(n => (DeclarationInput?)new DeclarationInput
                {
                    Postcode = postcode, Huisnummer = n, Response = n <= agreed ? "Akkoord" : "Geweigerd",
                    On = proposal.PlusDays(5 + n % 60),
                })],
            }, Actor));
        }
    }
}
