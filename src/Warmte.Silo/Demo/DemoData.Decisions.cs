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
        // Each step unless an interrupted load did it already: the meeting, its tally, its close.
        if (await alv.Meeting("alv-2024-12-14") is null)
            await Ensure(alv.CreateMeeting(new CreateMeeting
            {
                Id = "alv-2024-12-14", Title = "Algemene ledenvergadering: realisatiebesluit warmtenet",
                Date = new LocalDate(2024, 12, 14), NoticeDate = new LocalDate(2024, 11, 29),
                Proposals = [new ProposalInput { Id = "realisatiebesluit", Title = "Realisatiebesluit Warmtenet WG-terrein", DecisionType = "Realisatiebesluit", ProjectId = "wg-terrein" }],
            }, Actor));
        faults.At("alv-meeting-created");
        var proposal = (await alv.Meeting("alv-2024-12-14"))!.Proposals.Single(p => p.Id == "realisatiebesluit");
        if (proposal.Closed is not null) return;
        // The seed: 96% of the votes. The attendance list (100 eligible members) is fictional.
        var present = Enumerable.Range(1, 110).Where(i => i % 15 != 0).Take(100).Select(i => (string?)$"KWG-{i:0000}").ToArray();
        if (proposal.Count.Tally is null)
            await Ensure(alv.RecordTally("alv-2024-12-14", "realisatiebesluit",
                new RecordTally { For = 96, Against = 4, Abstain = 0, Present = [.. present], Proxies = [] }, Actor));
        await Ensure(alv.Close("alv-2024-12-14", "realisatiebesluit", Actor));
    }

    private async Task TenantConsent()
    {
        var consent = grains.GetGrain<ITenantConsentGrain>("wg-terrein");
        var stored = (await consent.Status(withAddresses: false)).Complexes;
        var proposal = new LocalDate(2025, 1, 15);
        foreach (var (id, name, homes, agreed, refused, postcode) in new[]
                 {
                     ("stadgenoot-a", "Stadgenoot complex A (fictief)", 120, 90, 12, "1054 XA"),
                     ("stadgenoot-b", "Stadgenoot complex B (fictief)", 60, 43, 5, "1054 XB"),
                 })
        {
            // Each complex, and its answers, unless an interrupted load stored them already.
            var complex = stored.FirstOrDefault(c => c.Id == id);
            if (complex is null)
                await Ensure(consent.SetComplex(id, new SetComplex
                {
                    Name = name, Corporation = "Stadgenoot", RentedHomes = homes, ProposalDate = proposal, Deadline = new LocalDate(2025, 3, 31),
                }, Actor));
            if (complex is { Agreed: > 0 } or { Refused: > 0 }) continue;
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
