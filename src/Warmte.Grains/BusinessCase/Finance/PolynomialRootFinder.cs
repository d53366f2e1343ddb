namespace Warmte.BusinessCase.Finance;

/// <summary>
/// The IRR root finder: isolates the roots of a polynomial in <c>double</c> (fast, with certified
/// error bounds) and refines the one it needs in <c>decimal</c> (exact enough for spreadsheet
/// semantics). The IRR's two regions are the same as in <see cref="RootFinder"/>: r ≥ 0 as
/// z = 1/(1+r) in (0, 1], r &lt; 0 as y = 1+r in (0, 1); both polynomials equal the undiscounted sum at 1.
/// </summary>
/// <remarks>
/// Cells of the region are examined nearest to the guess first, and the search stops once every
/// remaining cell lies further from the guess than a root found is proven to be (its proven bracket, or
/// its cell: never its double estimate, which between clustered roots is noise), so the usual case (a root
/// near the guess) looks at a handful of cells. Each cell is either proven root-free (|f(m)| exceeds
/// what f can change over the cell, bounded by f'(m) and a bound on f''), proven monotone (so it holds
/// a root exactly when the signs at its ends differ), or split in two; rounding errors of the double
/// evaluation are bounded and counted against the proofs. Where double cannot decide (the value at the
/// middle within its error bound of zero, as between roots a thousandth apart, or a cell at double's
/// resolution) the cell is decided in exact arithmetic (<see cref="ExactPolynomial"/>: Descartes' rule of
/// signs), and any sign at a cell end that double cannot prove is taken exactly. Any number of roots, however close, is
/// found down to a cell width of ~1e-13 in z; below that only roots where the values cross zero are
/// reported (a root where the values touch zero without crossing is not an IRR a spreadsheet finds
/// either).
/// </remarks>
internal static class PolynomialRootFinder
{
    private const int InitialCells = 16;
    private const int MaxCellsExamined = 20_000;
    private const double MinHalfWidth = 5e-14;
    private const double Unit = 1.1102230246251565e-16; // 2^−53

    private static readonly double MinHighZ = (double)(1m / (1m + SpreadsheetFunctions.MaximumIrr));
    private static readonly double MinLowZ = (double)(1m + SpreadsheetFunctions.MinimumIrr);

    private readonly record struct Cell(bool High, double A, double B);

    /// <summary>The root in [−99.99%, +1,000,000%] closest to <paramref name="guess"/> (ties: the lower rate), or null.</summary>
    public static decimal? ClosestRoot(decimal[] high, decimal[] low, decimal guess) => ClosestRoot(high, low, guess, null);

    /// <summary>
    /// As <see cref="ClosestRoot(decimal[], decimal[], decimal)"/>, rounded to <paramref name="roundTo"/> decimals
    /// (half away from zero) when given. Then a lone root whose double bracket is proven tight enough to decide
    /// the rounding is answered without the decimal refinement: the same bits as rounding the decimal root.
    /// </summary>
    public static decimal? ClosestRoot(decimal[] high, decimal[] low, decimal guess, int? roundTo)
    {
        var sumAtOne = 0m;
        foreach (var c in high) sumAtOne += c;
        var highD = new DoublePolynomial(high, Math.Sign(sumAtOne));
        var lowD = new DoublePolynomial(low, Math.Sign(sumAtOne));
        var g = (double)guess;

        // Roots found: their cells, refined in decimal only at the end (and only if needed).
        var found = new List<Found>(2);
        var zeroIsRoot = sumAtOne == 0;
        var best = zeroIsRoot ? Math.Abs(g) : double.PositiveInfinity;

        ExactPolynomial? highExact = null, lowExact = null;
        int SignAt(bool inHigh, double z)
        {
            var sign = (inHigh ? highD : lowD).Sign(z, out var proven);
            if (proven) return sign;
            var exact = inHigh ? highExact ??= new ExactPolynomial(high) : lowExact ??= new ExactPolynomial(low);
            // An exact zero counts as positive, as in double: both cells sharing the point see the same sign,
            // so a root there is reported by exactly one of them.
            return exact.Sign(z) >= 0 ? 1 : -1;
        }

        var queue = new PriorityQueue<Cell, double>(2 * InitialCells);
        Enqueue(queue, true, MinHighZ, 1.0, InitialCells, g);
        Enqueue(queue, false, MinLowZ, 1.0, InitialCells, g);
        var examined = 0;
        while (queue.TryDequeue(out var cell, out var distance))
        {
            // Equal distances may still hold the lower rate of a tie: keep going until strictly further.
            if (distance > best * (1 + 1e-12) + 1e-15) break;
            if (++examined > MaxCellsExamined) break;
            var p = cell.High ? highD : lowD;
            var m = (cell.A + cell.B) / 2;
            var h = (cell.B - cell.A) / 2;
            // A cheap proof first (value, slope and a bound on the curvature); near clustered roots that
            // bound is far too loose, and the full Taylor expansion at m decides instead.
            var (f, d, errF, errD) = p.Evaluate(m);
            var curvature = p.AbsSecondDerivative(cell.B);
            if (Math.Abs(f) - errF > (Math.Abs(d) + errD) * h + curvature * h * h / 2) continue; // root-free
            var monotone = Math.Abs(d) - errD > curvature * h;
            if (!monotone)
            {
                var (rootFree, provenMonotone) = p.TaylorProof(m, h, cell.B);
                if (rootFree) continue;
                monotone = provenMonotone;
            }
            var oneRoot = monotone;
            if (!monotone && (Math.Abs(f) <= 2 * errF || h < MinHalfWidth))
            {
                // Double cannot decide here: the value at the middle is within its rounding error of zero
                // (roots packed closely, where the values between them are tiny) or the cell is at double's
                // resolution. Exact arithmetic decides instead (Descartes' rule of signs on the cell).
                var exact = cell.High ? highExact ??= new ExactPolynomial(high) : lowExact ??= new ExactPolynomial(low);
                var changes = exact.SignChanges(cell.A, cell.B);
                if (changes == 0) continue; // root-free
                oneRoot = changes == 1;
            }
            if (oneRoot || h < MinHalfWidth)
            {
                // One root in the cell (or, at double's resolution, an odd number within ~1e-13): it is there
                // exactly when the signs at the ends differ. Signs double cannot prove are taken exactly.
                var fa = SignAt(cell.High, cell.A);
                var fb = SignAt(cell.High, cell.B);
                if ((fa == 0 || fb == 0) && !monotone && h >= MinHalfWidth)
                {
                    // Rate 0 is a root (z = 1) and Descartes counted one more inside the open cell: split until
                    // that one lies in a cell of its own.
                    queue.Enqueue(cell with { B = m }, Distance(cell.High, cell.A, m, g));
                    queue.Enqueue(cell with { A = m }, Distance(cell.High, m, cell.B, g));
                    continue;
                }
                if (fa == 0 || fb == 0 || fa == fb) continue; // an exact zero at z = 1 is the rate-0 root above
                var z = RefineDouble(p, cell.A, cell.B, fa);
                // The pruning bound must be proven: the double estimate alone is not (between clustered roots the
                // values are rounding noise and Newton in double may stop anywhere in the cell, which once pruned
                // the cell of a closer root). A proven bracket around the estimate bounds where the root is; without
                // one, the whole cell does. A bracket proves the place only if the cell holds one root.
                var bracket = oneRoot ? ProvenBracket(p, cell, z) : null;
                var (lo, hi) = bracket ?? (cell.A, cell.B);
                found.Add(new Found(cell, fa, monotone, z, lo, hi, bracket is not null));
                best = Math.Min(best, Reach(cell.High, lo, hi, g));
                continue;
            }
            queue.Enqueue(cell with { B = m }, Distance(cell.High, cell.A, m, g));
            queue.Enqueue(cell with { A = m }, Distance(cell.High, m, cell.B, g));
        }
        if (found.Count == 0 && !zeroIsRoot) return null;
        // Only roots whose enclosure reaches as close to the guess as the best proven bound can be the closest.
        var reach = best * (1 + 1e-12) + 1e-15;
        var candidates = 0;
        var candidate = default(Found);
        foreach (var root in found)
            if (Distance(root.Cell.High, root.Lo, root.Hi, g) <= reach) { candidates++; candidate = root; }
        if (roundTo is { } decimals && candidates == 1 && !(zeroIsRoot && Math.Abs(g) <= reach)
            && candidate.Monotone && Certified(candidate, decimals) is { } shortcut)
            return shortcut;

        var highDec = new PolynomialRegion(high);
        var lowDec = new PolynomialRegion(low);
        decimal? closest = zeroIsRoot ? 0m : null;
        foreach (var root in found)
        {
            if (Distance(root.Cell.High, root.Lo, root.Hi, g) > reach) continue;
            var cell = root.Cell;
            var z = root.Bracketed
                ? Refine(cell.High ? highDec : lowDec, cell.High ? highD : lowD, cell.A, cell.B, root.Z)
                : RefineExactly(cell.High ? highDec : lowDec, cell.High ? highExact ??= new ExactPolynomial(high) : lowExact ??= new ExactPolynomial(low), root);
            var r = cell.High ? 1m / z - 1m : z - 1m;
            if (closest is not { } c) { closest = r; continue; }
            var dr = Math.Abs(r - guess);
            var dc = Math.Abs(c - guess);
            if (dr < dc || (dr == dc && r < c)) closest = r;
        }
        return roundTo is { } n && closest is { } result ? decimal.Round(result, n, MidpointRounding.AwayFromZero) : closest;
    }

    /// <summary>
    /// A root's cell (signs differ at its ends), the sign at A, whether the cell is proven monotone, its double
    /// estimate, and where the root is proven to lie: [Lo, Hi], a tight bracket around Z when <paramref name="Bracketed"/>,
    /// otherwise the cell.
    /// </summary>
    private readonly record struct Found(Cell Cell, int SignA, bool Monotone, double Z, double Lo, double Hi, bool Bracketed);

    /// <summary>
    /// A bracket around the double estimate <paramref name="z"/> of the only root in <paramref name="cell"/>, proven:
    /// the values just either side of z are evaluated with their rounding-error bounds, and where both clear their
    /// bound with opposite signs, the root lies between them. Null when that cannot be proven (as between clustered
    /// roots, where the values are rounding noise).
    /// </summary>
    private static (double Lo, double Hi)? ProvenBracket(DoublePolynomial p, Cell cell, double z)
    {
        var (_, slope, errF, errD) = p.Evaluate(z);
        if (!(Math.Abs(slope) > 2 * errD)) return null;
        // Far enough either side that the change of the value (≈ slope·δ) clears the rounding error.
        var delta = Math.Max(4 * errF / Math.Abs(slope), 8 * Unit * z);
        var zl = z - delta;
        var zr = z + delta;
        if (!(zl > cell.A && zr < cell.B)) return null;
        var (fl, _, el, _) = p.Evaluate(zl);
        var (fr, _, er, _) = p.Evaluate(zr);
        if (!(Math.Abs(fl) > el && Math.Abs(fr) > er && Math.Sign(fl) != Math.Sign(fr))) return null;
        return (zl, zr);
    }

    /// <summary>
    /// The rate of the only root in a monotone cell, rounded to <paramref name="decimals"/>, when its proven bracket
    /// (<see cref="ProvenBracket"/>) decides it: the root (and so the decimal refinement, which finds the cell's
    /// only root to ~1e-25) lies in the bracket. Null when there is no bracket or it does not decide the rounding.
    /// </summary>
    private static decimal? Certified(Found root, int decimals)
    {
        if (!root.Bracketed) return null;
        var (zl, zr, z) = (root.Lo, root.Hi, root.Z);
        double estimate, error;
        if (root.Cell.High)
        {
            // rate = 1/z − 1 falls as z rises; each end carries two roundings of at most Unit·(1/z + 1).
            var rl = 1 / zr - 1;
            var rh = 1 / zl - 1;
            estimate = (rl + rh) / 2;
            error = (rh - rl) / 2 + 8 * Unit * (1 / zl + 1);
        }
        else
        {
            estimate = z - 1;
            error = Math.Max(z - zl, zr - z) + 8 * Unit; // both differences exact (Sterbenz)
        }
        // The decimal refinement lies within ~1e-25 of the root in z (1/z² times that in the rate), and its rate within 1e-27 of that.
        var refinement = root.Cell.High ? 1e-22 / (zl * zl) : 1e-22;
        return CertifiedRounding.TryRound(estimate, error + refinement, decimals);
    }

    private static void Enqueue(PriorityQueue<Cell, double> queue, bool high, double zMin, double zMax, int cells, double guess)
    {
        for (var j = 0; j < cells; j++)
        {
            var a = j == 0 ? zMin : zMin + (zMax - zMin) * j / cells;
            var b = j == cells - 1 ? zMax : zMin + (zMax - zMin) * (j + 1) / cells;
            queue.Enqueue(new Cell(high, a, b), Distance(high, a, b, guess));
        }
    }

    /// <summary>The largest distance in rate from the guess to the cell's rates: a root in the cell is at most this far.</summary>
    private static double Reach(bool high, double a, double b, double guess)
    {
        var (lo, hi) = high ? (1 / b - 1, 1 / a - 1) : (a - 1, b - 1);
        return Math.Max(Math.Abs(lo - guess), Math.Abs(hi - guess));
    }

    /// <summary>Distance in rate from the guess to the cell's rates (0 when the guess lies inside).</summary>
    private static double Distance(bool high, double a, double b, double guess)
    {
        // High region: rate = 1/z − 1 falls as z rises; low region: rate = z − 1.
        var (lo, hi) = high ? (1 / b - 1, 1 / a - 1) : (a - 1, b - 1);
        return guess < lo ? lo - guess : guess > hi ? guess - hi : 0;
    }

    /// <summary>The root inside [a, b] (signs at the ends differ): safeguarded Newton in double to full double precision.</summary>
    private static double RefineDouble(DoublePolynomial p, double a, double b, int signA)
    {
        // Orient: negative at lo, positive at hi.
        var (lo, hi) = signA < 0 ? (a, b) : (b, a);
        var z = (a + b) / 2;
        for (var i = 0; i < 200; i++)
        {
            var (f, d, _, _) = p.Evaluate(z);
            if (f == 0) break;
            if (f < 0) lo = z; else hi = z;
            var next = d != 0 ? z - f / d : double.NaN;
            if (!(next > Math.Min(lo, hi) && next < Math.Max(lo, hi))) next = (lo + hi) / 2;
            if (next == z) break;
            var step = Math.Abs(next - z);
            z = next;
            if (step <= 4 * Unit * Math.Abs(z)) break;
        }
        return z;
    }

    /// <summary>
    /// The root of a cell double could not bracket (clustered roots, where the NPV is so flat that decimal's
    /// rounding error too moves the root by up to ~1e-6): bisection with exact signs down to adjacent doubles
    /// (~1e-16 in z), then the decimal solver inside that bracket, which cannot leave it.
    /// </summary>
    private static decimal RefineExactly(PolynomialRegion region, ExactPolynomial exact, Found root)
    {
        var (lo, hi) = exact.Bisect(root.Cell.A, root.Cell.B, root.SignA);
        if (lo == hi) return ExactPolynomial.ToDecimal(lo);
        var decLo = ExactPolynomial.ToDecimal(lo);
        var decHi = ExactPolynomial.ToDecimal(hi);
        var valueLo = region.Value(decLo);
        var valueHi = region.Value(decHi);
        if (valueLo == 0) return decLo;
        if (valueHi == 0) return decHi;
        var middle = (decLo + decHi) / 2;
        // Decimal's signs may be noise here; then the middle of the exact bracket is as close as it gets.
        if (Math.Sign(valueLo) == Math.Sign(valueHi)) return middle;
        return RootFinder.SolveOriented(region, valueLo < 0 ? decLo : decHi, valueLo < 0 ? decHi : decLo, middle);
    }

    /// <summary>
    /// The root inside [a, b] in decimal, from the double estimate <paramref name="z"/> (see <see cref="RefineDouble"/>):
    /// one Newton step in decimal suffices when Newton's error estimate (|f''/2f'|·step²) is below decimal
    /// precision; otherwise the decimal bracketed solver finishes.
    /// </summary>
    private static decimal Refine(PolynomialRegion region, DoublePolynomial p, double a, double b, double z)
    {
        // One Newton step in decimal: the value in decimal (the digits that matter), the slope from double
        // (relative error ~1e-15, which costs only that fraction of an already ~1e-16 step). The error after
        // the step is about |f''/2f'|·dx² + (slope error)·|dx|; when that is below decimal precision, done.
        var zDec = (decimal)z;
        var fDec = region.Value(zDec);
        if (fDec == 0) return zDec;
        var (_, slope, _, slopeError) = p.Evaluate(z);
        if (slope != 0 && Math.Abs(slope) > 2 * slopeError && Math.Abs(slope) < 1e27)
        {
            var dx = fDec / (decimal)slope;
            var next = zDec - dx;
            var k = Math.Abs(p.SecondDerivative(z) / (2 * slope));
            var dxD = (double)Math.Abs(dx);
            var error = k * dxD * dxD + slopeError / Math.Abs(slope) * dxD;
            var lowEnd = (decimal)Math.Min(a, b);
            var highEnd = (decimal)Math.Max(a, b);
            if (next > lowEnd && next < highEnd && dxD < 1e-10 && error < 1e-27) return next;
        }
        // Slow path: the bracket in decimal, with its signs checked in decimal (double may misjudge a
        // sign within its rounding error of a root at the end of the cell).
        var decA = (decimal)a;
        var decB = (decimal)b;
        var valueA = region.Value(decA);
        var valueB = region.Value(decB);
        if (Math.Sign(valueA) * Math.Sign(valueB) <= 0)
            return valueA == 0 ? decA : valueB == 0 ? decB : RootFinder.SolveOriented(region, valueA < 0 ? decA : decB, valueA < 0 ? decB : decA, zDec);
        // The root lies within double's rounding just outside the cell: Newton from the double estimate.
        var (fDec2, dDec) = region.ValueAndSlope(zDec);
        fDec = fDec2;
        for (var i = 0; i < 50 && dDec != 0; i++)
        {
            var dx = fDec / dDec;
            zDec -= dx;
            if (Math.Abs(dx) < 1e-26m) break;
            (fDec, dDec) = region.ValueAndSlope(zDec);
        }
        return zDec;
    }
}

/// <summary>A polynomial Σ c_i z^i in double, with Horner's rounding-error bounds, for z in [0, 1].</summary>
internal sealed class DoublePolynomial
{
    private const double Unit = 1.1102230246251565e-16;
    private readonly double[] _c;
    private readonly double[] _abs;
    private readonly int _signAtOne;
    private readonly double _gamma;

    /// <param name="signAtOne">The exact sign at z = 1 (from the decimal sum), which double may get wrong.</param>
    public DoublePolynomial(decimal[] coefficients, int signAtOne)
    {
        _c = new double[coefficients.Length];
        _abs = new double[coefficients.Length];
        for (var i = 0; i < _c.Length; i++)
        {
            _c[i] = (double)coefficients[i];
            _abs[i] = Math.Abs(_c[i]);
        }
        _signAtOne = signAtOne;
        // Horner's error is at most ~2n·u times Σ|c_i|z^i; doubled for the conversion of the coefficients and margin.
        _gamma = 4.0 * (coefficients.Length + 2) * Unit;
    }

    /// <summary>Value and slope at z, each with a bound on its rounding error.</summary>
    public (double F, double D, double ErrF, double ErrD) Evaluate(double z)
    {
        double f = 0, d = 0, af = 0, ad = 0;
        for (var i = _c.Length - 1; i >= 0; i--)
        {
            d = d * z + f;
            f = f * z + _c[i];
            ad = ad * z + af;
            af = af * z + _abs[i];
        }
        return (f, d, _gamma * af + double.Epsilon, _gamma * ad + double.Epsilon);
    }

    public double SecondDerivative(double z)
    {
        double f = 0, d = 0, s = 0;
        for (var i = _c.Length - 1; i >= 0; i--)
        {
            s = s * z + d;
            d = d * z + f;
            f = f * z + _c[i];
        }
        return 2 * s;
    }

    /// <summary>An upper bound on |f''| over [0, z]: the second derivative of Σ|c_i|x^i at z (it only grows with x ≥ 0).</summary>
    public double AbsSecondDerivative(double z)
    {
        double f = 0, d = 0, s = 0;
        for (var i = _abs.Length - 1; i >= 0; i--)
        {
            s = s * z + d;
            d = d * z + f;
            f = f * z + _abs[i];
        }
        return 2 * s * (1 + _gamma) + double.Epsilon;
    }

    /// <summary>Taylor coefficients the truncated proof computes exactly; the rest are bounded together.</summary>
    private const int TruncatedOrder = 4;

    /// <summary>
    /// Proofs over [m − h, m + h] (m + h ≤ <paramref name="end"/>) from the Taylor expansion f(m + t) = Σ a_k t^k:
    /// root-free when |a_0| exceeds Σ_{k≥1} |a_k| h^k, monotone when |a_1| exceeds Σ_{k≥2} k|a_k| h^(k−1). First
    /// truncated after a_4, O(n), the tail bounded by the abs polynomial; where that proves neither, the full
    /// expansion, O(n²), decides. The truncated bounds are not below the full ones (up to the rounding of the
    /// last few additions, ~1e-16 relative), so whatever the truncated proof shows the full one shows too: the
    /// same decisions, only cheaper.
    /// </summary>
    public (bool RootFree, bool Monotone) TaylorProof(double m, double h, double end)
    {
        if (_c.Length > TruncatedOrder + 2)
        {
            var truncated = TruncatedTaylorProof(m, h, Math.Max(end, m + h));
            if (truncated.RootFree || truncated.Monotone) return truncated;
        }
        return FullTaylorProof(m, h);
    }

    /// <summary>
    /// a_0..a_K at m by Horner's rule with K + 1 accumulators (the same operations, so the same bits, as the
    /// first K + 1 passes of repeated synthetic division), each widened by its rounding-error bound as in
    /// <see cref="FullTaylorProof"/>. The tail: with P = Σ|c_i|x^i (|a_k| ≤ P's coefficient A_k(m), and every
    /// derivative of P grows on x ≥ 0) Lagrange's remainder gives Σ_{k>K} |a_k| h^k ≤ A_{K+1}(x) h^(K+1) and
    /// Σ_{k>K} k|a_k| h^(k−1) ≤ (K+1) A_{K+1}(x) h^K for any x ≥ m + h. A_{K+1}(x) is widened by 4γ, which also
    /// covers the rounding of the full proof's own tail terms (so this bound is never below that one).
    /// </summary>
    private (bool RootFree, bool Monotone) TruncatedTaylorProof(double m, double h, double x)
    {
        const int K = TruncatedOrder;
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
        double e0 = 0, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
        double p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0;
        for (var i = _c.Length - 1; i >= 0; i--)
        {
            a4 = a4 * m + a3;
            a3 = a3 * m + a2;
            a2 = a2 * m + a1;
            a1 = a1 * m + a0;
            a0 = a0 * m + _c[i];
            e4 = e4 * m + e3;
            e3 = e3 * m + e2;
            e2 = e2 * m + e1;
            e1 = e1 * m + e0;
            e0 = e0 * m + _abs[i];
            p5 = p5 * x + p4;
            p4 = p4 * x + p3;
            p3 = p3 * x + p2;
            p2 = p2 * x + p1;
            p1 = p1 * x + p0;
            p0 = p0 * x + _abs[i];
        }
        var b1 = Math.Abs(a1) + _gamma * e1;
        var b2 = Math.Abs(a2) + _gamma * e2;
        var b3 = Math.Abs(a3) + _gamma * e3;
        var b4 = Math.Abs(a4) + _gamma * e4;
        var tail = p5 * (1 + 4 * _gamma) + double.Epsilon;
        // The same order of operations as the full proof's sums, then the tail.
        double change = 0, slopeChange = 0, power = 1;
        change += b1 * (power *= h);
        slopeChange += 2 * b2 * power;
        change += b2 * (power *= h);
        slopeChange += 3 * b3 * power;
        change += b3 * (power *= h);
        slopeChange += 4 * b4 * power;
        change += b4 * (power *= h);
        slopeChange += (K + 1) * tail * power;
        change += tail * (power * h);
        var rootFree = Math.Abs(a0) - _gamma * e0 > change;
        var monotone = Math.Abs(a1) - _gamma * e1 > slopeChange;
        return (rootFree, monotone);
    }

    /// <summary>
    /// The full Taylor expansion f(m + t) = Σ a_k t^k (repeated synthetic division, O(n²)): root-free when |a_0|
    /// exceeds Σ_{k≥1} |a_k| h^k, monotone when |a_1| exceeds Σ_{k≥2} k|a_k| h^(k−1); every a_k widened by its
    /// rounding-error bound (the same expansion of Σ|c_i|x^i).
    /// </summary>
    private (bool RootFree, bool Monotone) FullTaylorProof(double m, double h)
    {
        var n = _c.Length;
        Span<double> a = n <= 128 ? stackalloc double[n] : new double[n];
        Span<double> e = n <= 128 ? stackalloc double[n] : new double[n];
        _c.CopyTo(a);
        _abs.CopyTo(e);
        for (var k = 0; k < n - 1; k++)
            for (var i = n - 2; i >= k; i--)
            {
                a[i] += m * a[i + 1];
                e[i] += m * e[i + 1];
            }
        double change = 0, slopeChange = 0, power = 1;
        for (var k = 1; k < n; k++)
        {
            var bound = Math.Abs(a[k]) + _gamma * e[k];
            if (k >= 2) slopeChange += k * bound * power; // power = h^(k−1) here
            power *= h;
            change += bound * power;
        }
        var rootFree = Math.Abs(a[0]) - _gamma * e[0] > change;
        var monotone = n >= 2 && Math.Abs(a[1]) - _gamma * e[1] > slopeChange;
        return (rootFree, monotone);
    }

    /// <summary>
    /// The sign at z as double computes it, and whether that is proven (the value clears its rounding-error
    /// bound); exact at z = 1, where 0 means rate 0 is a root.
    /// </summary>
    public int Sign(double z, out bool proven)
    {
        proven = true;
        if (z == 1.0) return _signAtOne;
        var (f, _, errF, _) = Evaluate(z);
        proven = Math.Abs(f) > errF;
        return f >= 0 ? 1 : -1;
    }
}
