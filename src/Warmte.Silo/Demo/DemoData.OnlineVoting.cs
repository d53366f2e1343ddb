using NodaTime;
using Warmte.Alv;
using Warmte.Common;
using Warmte.Voting;

namespace Warmte.Silo.Demo;

/// <summary>
/// An upcoming KetelhuisWG ALV (two weeks after the day the demo is loaded) with online voting open
/// for the fictional members. Every eligible member gets a code (not kept anywhere: only hashes are
/// stored); member KWG-0001 also gets the printed code <see cref="PrintedCode"/> from the README tour,
/// and member KWG-0003 <see cref="PrintedProxyHolderCode"/>: the statutes allow online proxies
/// (volmacht, at most the statutes' default of one per holder per proposal), so a new user can give
/// a proxy with the first code and vote with it using the second.
/// </summary>
public sealed partial class DemoData
{
    /// <summary>The demo's printed voting code (Crockford base32: the 0 in DEM0 is a zero; typing an O works too).</summary>
    public const string PrintedCode = "DEM0-STEM-KWG1-0001";

    /// <summary>The second printed code (member <see cref="PrintedProxyHolder"/>), to try an online proxy from both sides.</summary>
    public const string PrintedProxyHolderCode = "DEM0-STEM-KWG3-0003";

    public const string PrintedProxyHolder = "KWG-0003";

    public const string UpcomingMeeting = "alv-online-demo";

    private async Task UpcomingAlvWithOnlineVoting()
    {
        var alv = grains.GetGrain<IAlvGrain>("ketelhuiswg");
        var voting = grains.GetGrain<IOnlineVotingGrain>($"ketelhuiswg/{UpcomingMeeting}");
        // Each step unless an interrupted load did it already: statutes and meeting, the opening, the codes.
        var today = AmsterdamTime.Today(clock);
        if (await alv.Meeting(UpcomingMeeting) is null)
        {
            await Ensure(alv.SetStatutes(new SetStatutes
            {
                // KetelhuisWG's statutes (fictional for the demo): advance electronic voting, counted as present, and
                // online proxies (volmacht) within the statutes' maximum per holder (the default rule: one per proposal).
                Electronic = new ElectronicVotingInput { AdvanceVotingAllowed = true, AdvanceVotersCountAsPresent = true, OnlineProxiesAllowed = true },
            }, Actor));
            await Ensure(alv.CreateMeeting(new CreateMeeting
            {
                Id = UpcomingMeeting, Title = "Algemene ledenvergadering (demo, online stemmen open)",
                Date = today.PlusDays(14), NoticeDate = today,
                Proposals =
                [
                    new ProposalInput { Id = "jaarrekening", Title = "Vaststelling jaarrekening (fictief)", DecisionType = "Overig" },
                    new ProposalInput { Id = "tarief", Title = "Warmtetarief volgend jaar (fictief)", DecisionType = "Tariefbesluit" },
                ],
            }, Actor));
        }
        var view = await voting.View();
        if (view is null)
            await Ensure(voting.Open(new OpenOnlineVoting
            {
                Opens = today,
                Proposals =
                [
                    new OnlineProposalInput { ProposalId = "jaarrekening", Explanation = "Het bestuur legt de jaarrekening ter vaststelling voor. De kascommissie adviseert de leden de jaarrekening vast te stellen. (Demo: fictief.)" },
                    new OnlineProposalInput { ProposalId = "tarief", Explanation = "Het bestuur stelt voor het vastrecht gelijk te houden en de prijs per GJ met 2% te verhogen, in lijn met de kosten. (Demo: fictief.)" },
                ],
            }, Actor));
        // Issuing again would replace every member's code, the printed ones too: only when none was issued.
        if (view is not { CodesIssued: > 0 }) await Ensure(voting.Issue(new IssueCodes(), Actor, IssueChannel.Downloaded));
        foreach (var (member, code) in new[] { ("KWG-0001", PrintedCode), (PrintedProxyHolder, PrintedProxyHolderCode) })
            if (!(await voting.Paper(hasher.Hash(VotingCodes.ParseCode(code)!))).IsOk)
                await Ensure(voting.IssueDemoCode(member, code, Actor));
    }
}
