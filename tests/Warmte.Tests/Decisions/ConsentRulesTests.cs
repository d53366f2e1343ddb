using NodaTime;
using Warmte.Alv;
using Warmte.Members;
using Warmte.TenantConsent;

namespace Warmte.Tests.Decisions;

public sealed class ConsentRulesTests
{
    private static readonly LocalDate Proposal = new(2025, 1, 15);
    private static readonly LocalDate Today = new(2025, 3, 1);
    private static readonly Instant Now = Instant.FromUtc(2025, 3, 1, 10, 0);

    private static ConsentRecord Complex(int homes, string? threshold = null, LocalDate? deadline = null)
    {
        var outcome = ConsentRules.SetComplex(ConsentRecord.Empty, "complex-a", new SetComplex
        {
            Name = "Complex A", Corporation = "Stadgenoot", RentedHomes = homes, Threshold = threshold, ProposalDate = Proposal, Deadline = deadline,
        }, Today);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message);
        return outcome.Value!.Value;
    }

    /// <summary>The answers the grain would have stored as current rows (the rules get them, as from the store).</summary>
    private readonly Dictionary<DutchAddress, Declaration> _stored = [];

    private ConsentRecord Answer(ConsentRecord record, int agree, int refuse = 0, int firstNumber = 1, LocalDate? on = null)
    {
        if (record.Complexes.Single(c => c.Id == "complex-a").Answers == 0) _stored.Clear(); // a fresh complex: nothing stored yet
        var outcome = ConsentRules.RecordDeclarations(record, "complex-a", new RecordDeclarations
        {
            Declarations = [.. Enumerable.Range(firstNumber, agree + refuse).Select(n => (DeclarationInput?)new DeclarationInput
            {
                Postcode = "1054 AB", Huisnummer = n, Response = n < firstNumber + agree ? "Akkoord" : "Geweigerd", On = on ?? Today,
            })],
        }, _stored, Today, "bestuur", Now);
        Assert.True(outcome.IsOk, outcome.Refusal?.Message + string.Join("; ", outcome.Refusal?.Errors.Select(e => e.Field + " " + e.Reason) ?? []));
        foreach (var (answer, _) in outcome.Value!.Recorded) _stored[answer.Address] = answer;
        return outcome.Value!.Change.Value;
    }

    private static ComplexStatus Status(ConsentRecord record) => ConsentRules.Status(record, "p", Today, null).Complexes.Single();

    [Theory]
    [InlineData(100, 70, true)]
    [InlineData(100, 69, false)]
    [InlineData(10, 7, true)]
    [InlineData(11, 7, false)] // 7/11 = 63.6%
    [InlineData(11, 8, true)]
    [InlineData(1000, 699, false)]
    public void Seventy_percent_of_all_tenant_households_is_compared_exactly(int homes, int agreed, bool reached)
    {
        var status = Status(Answer(Complex(homes), agreed));
        Assert.Equal(reached, status.Reached);
        Assert.Equal(homes - agreed, status.NoResponse); // non-response counts as not agreeing
    }

    [Fact]
    public void Below_ten_homes_every_tenant_must_agree()
    {
        Assert.Equal(new Share(1, 1), Status(Complex(8)).Threshold);
        Assert.False(Status(Answer(Complex(8), 7)).Reached);
        Assert.True(Status(Answer(Complex(8), 8)).Reached);
        var lowered = ConsentRules.SetComplex(ConsentRecord.Empty, "complex-a", new SetComplex { Name = "K", Corporation = "S", RentedHomes = 8, Threshold = "70%" }, Today);
        Assert.Equal("threshold", Assert.Single(lowered.Refusal!.Errors).Field);
    }

    [Theory]
    [InlineData("2/3")]
    [InlineData("69,99%")]
    [InlineData("1/2")]
    public void A_threshold_below_the_legal_seventy_percent_is_refused_naming_the_field_and_the_law_tester_F16(string threshold)
    {
        var refused = ConsentRules.SetComplex(ConsentRecord.Empty, "blok-c", new SetComplex { Name = "Blok C", Corporation = "X", RentedHomes = 12, Threshold = threshold }, Today);
        var error = Assert.Single(refused.Refusal!.Errors);
        Assert.Equal("threshold", error.Field);
        Assert.Contains("wettelijke 70%", error.Reason);
        Assert.Contains("BW 7:220", error.Reason);
        // A municipality may ask more.
        var stricter = ConsentRules.SetComplex(ConsentRecord.Empty, "blok-c", new SetComplex { Name = "Blok C", Corporation = "X", RentedHomes = 12, Threshold = "75%" }, Today);
        Assert.Equal(new Share(3, 4), Status(stricter.Value!.Value).Threshold);
        Assert.Null(Status(stricter.Value!.Value).Note);
    }

    [Fact]
    public void A_complex_stored_with_a_threshold_below_seventy_percent_is_judged_at_seventy_and_flagged()
    {
        // As PUT stored it before the fix: 12 homes at 2/3. 8 of 12 (66,7%) met 2/3 but not 70% (9 needed).
        var stored = new ConsentRecord
        {
            Complexes = [new Complex { Id = "blok-c", Name = "Blok C", Corporation = "X", RentedHomes = 12, Threshold = new Share(2, 3), Agreed = 8, ReachedOn = Proposal.PlusDays(10) }],
        };
        var status = ConsentRules.Status(stored, "p", Today, null);
        var complex = status.Complexes.Single();
        Assert.False(complex.Reached);
        Assert.Null(complex.ReachedOn);
        Assert.Equal((new Share(70, 100), 9), (complex.Threshold, complex.Required));
        Assert.Contains("onder de wettelijke 70%", complex.Note);
        Assert.False(status.AllReached);
        var gate = new Warmte.Gates.TenantConsentCondition().Evaluate(new Warmte.Gates.GateContext(ProjectRulesTestsProject(), Today, new Warmte.Gates.GateFacts(TenantConsent: status)));
        Assert.False(gate.Met);
        Assert.Contains("onder de wettelijke 70%", gate.Evidence);
    }

    [Fact]
    public void A_complex_of_fewer_than_ten_homes_is_accepted_but_needs_every_tenant_and_says_so_on_the_view_and_the_gate()
    {
        var small = Answer(Complex(3), 2);
        var status = ConsentRules.Status(small, "p", Today, null);
        Assert.Equal((new Share(1, 1), 3, false), (status.Complexes[0].Threshold, status.Complexes[0].Required, status.Complexes[0].Reached));
        Assert.Contains("minder dan 10 woningen", status.Complexes[0].Note);
        var gate = new Warmte.Gates.TenantConsentCondition().Evaluate(new Warmte.Gates.GateContext(ProjectRulesTestsProject(), Today, new Warmte.Gates.GateFacts(TenantConsent: status)));
        Assert.Contains("elke huurder moet instemmen", gate.Evidence);
    }

    private static Warmte.Projects.ProjectRecord ProjectRulesTestsProject() => Warmte.Tests.Domain.ProjectRulesTests.NewProject();

    [Fact]
    public void The_same_address_answers_once_and_may_change_its_mind_later()
    {
        var record = Answer(Complex(20), agree: 0, refuse: 1);
        record = Answer(record, agree: 1, on: Today);
        var status = Status(record);
        Assert.Equal((1, 0), (status.Agreed, status.Refused));
        var older = ConsentRules.RecordDeclarations(record, "complex-a", new RecordDeclarations
        {
            Declarations = [new DeclarationInput { Postcode = "1054AB", Huisnummer = 1, Response = "Geweigerd", On = Proposal.PlusDays(1) }],
        }, _stored, Today, "b", Now);
        Assert.Equal("declarations[0].on", Assert.Single(older.Refusal!.Errors).Field);
    }

    [Fact]
    public void A_complex_never_holds_more_answers_than_rented_homes()
    {
        var outcome = ConsentRules.RecordDeclarations(Complex(10), "complex-a", new RecordDeclarations
        {
            Declarations = [.. Enumerable.Range(1, 11).Select(n => (DeclarationInput?)new DeclarationInput { Postcode = "1054 AB", Huisnummer = n, Response = "Akkoord", On = Today })],
        }, new Dictionary<DutchAddress, Declaration>(), Today, "b", Now);
        Assert.Equal("declarations", Assert.Single(outcome.Refusal!.Errors).Field);
    }

    [Fact]
    public void The_forecast_extrapolates_the_pace_so_far_to_the_deadline()
    {
        // 45 days since the proposal, 30 agreements: 70 needed, 40 missing at 30 per 45 days = 60 days.
        var status = Status(Answer(Complex(100, deadline: new LocalDate(2025, 4, 15)), 30));
        Assert.Equal(Today.PlusDays(60), status.Forecast.ExpectedOn);
        Assert.False(status.Forecast.BeforeDeadline);
        Assert.Equal(Proposal.PlusWeeks(8), status.ObjectionPeriodEnds);
        Assert.Equal(4.67m, status.Forecast.AgreementsPerWeek);
    }

    /// <summary>Tester6 T14a: one missing agreement is "is de ontbrekende instemming", not "zijn de ontbrekende 1 instemmingen".</summary>
    [Fact]
    public void The_forecast_says_one_missing_agreement_in_the_singular_and_more_in_the_plural()
    {
        var one = Status(Answer(Complex(100), 69));
        Assert.Contains("is de ontbrekende instemming binnen op", one.Forecast.Explanation);
        Assert.DoesNotContain("instemmingen", one.Forecast.Explanation);
        var many = Status(Answer(Complex(100), 30));
        Assert.Contains("zijn de ontbrekende 40 instemmingen binnen op", many.Forecast.Explanation);
    }

    /// <summary>Regression (abuse campaign, 6-12-2026): a proposal dated in year -1 with one agreement made every consent read a 500.</summary>
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void A_pace_that_would_end_past_the_calendar_gives_no_date_instead_of_an_error(int year)
    {
        var set = ConsentRules.SetComplex(ConsentRecord.Empty, "complex-a", new SetComplex
        {
            Name = "Complex A", Corporation = "Stadgenoot", RentedHomes = 100, ProposalDate = new LocalDate(year, 1, 1), Deadline = new LocalDate(2025, 4, 15),
        }, Today);
        Assert.True(set.IsOk, set.Refusal?.Message);
        var status = Status(Answer(set.Value!.Value, agree: 1));
        Assert.Null(status.Forecast.ExpectedOn);
        Assert.False(status.Forecast.BeforeDeadline);
        Assert.Contains("niet binnen afzienbare tijd", status.Forecast.Explanation);
    }

    [Fact]
    public void Too_many_refusals_make_the_threshold_unreachable_and_the_forecast_says_so()
    {
        var status = Status(Answer(Complex(100), agree: 10, refuse: 31));
        Assert.Null(status.Forecast.ExpectedOn);
        Assert.Contains("Niet meer haalbaar", status.Forecast.Explanation);
    }

    [Fact]
    public void The_project_needs_every_complex_or_a_statement_that_it_has_no_rented_homes()
    {
        Assert.False(ConsentRules.Status(ConsentRecord.Empty, "p", Today, null).AllReached);
        var record = Answer(Complex(100), 70);
        record = ConsentRules.SetComplex(record, "complex-b", new SetComplex { Name = "B", Corporation = "Stadgenoot", RentedHomes = 50 }, Today).Value!.Value;
        Assert.False(ConsentRules.Status(record, "p", Today, null).AllReached);
        var none = ConsentRules.SetApplicability(ConsentRecord.Empty, new SetApplicability { NotApplicable = true, Reason = "Alleen koopwoningen" }).Value!.Value;
        Assert.True(ConsentRules.Status(none, "p", Today, null).AllReached);
        Assert.Equal("notApplicable", Assert.Single(ConsentRules.SetApplicability(record, new SetApplicability { NotApplicable = true, Reason = "x" }).Refusal!.Errors).Field);
    }
}
