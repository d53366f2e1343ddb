namespace Warmte.BusinessCase.Engine;

/// <summary>
/// The funding gap in time next to "financing closes". Closing is sources ≥ uses over the whole horizon
/// (docs/business-case-model.md); a year whose cash balance is below zero still needs bridging money,
/// and wherever "sluit" is shown this gap is shown beside it. Pure.
/// </summary>
public static class CashGap
{
    /// <summary>How far the lowest cash balance is below zero; 0 when it never is.</summary>
    public static decimal BridgingNeeded(decimal lowestCashBalance) => lowestCashBalance < 0m ? -lowestCashBalance : 0m;

    /// <summary>"in 2027 € 343.905,66 tekort (overbrugging nodig)", or null when the cash never goes below zero.</summary>
    public static string? Shortfall(decimal lowestCashBalance, int lowestCashBalanceYear) =>
        BridgingNeeded(lowestCashBalance) is var gap && gap > 0m
            ? $"in {lowestCashBalanceYear} {DutchFormat.Money(gap)} tekort (overbrugging nodig)"
            : null;

    /// <summary>
    /// The answer to "Financiering sluit": "ja", "nee", or with a gap in time
    /// "ja, maar in 2027 € 343.905,66 tekort (overbrugging nodig)" / "nee, en in 2027 … tekort (overbrugging nodig)".
    /// </summary>
    public static string Verdict(bool financingCloses, decimal lowestCashBalance, int lowestCashBalanceYear) =>
        Shortfall(lowestCashBalance, lowestCashBalanceYear) is { } shortfall
            ? $"{(financingCloses ? "ja, maar" : "nee, en")} {shortfall}"
            : financingCloses ? "ja" : "nee";

    /// <summary>
    /// The same answer in a table cell (umbrella comparison, loan grid, stress tests): "ja", "nee", or with a gap
    /// in time "ja, overbrugging € 343.906 in 2027" / "nee, overbrugging € 343.906 in 2027" (whole euros).
    /// </summary>
    public static string Brief(bool financingCloses, decimal lowestCashBalance, int lowestCashBalanceYear) =>
        BridgingNeeded(lowestCashBalance) is var gap && gap > 0m
            ? $"{(financingCloses ? "ja" : "nee")}, overbrugging {DutchFormat.Euros(gap)} in {lowestCashBalanceYear}"
            : financingCloses ? "ja" : "nee";
}
