// Business case: the yearly cash flow and DSCR of the latest saved version with the lender's
// threshold, the KPIs, sources vs uses, and a loan simulator (rate, term, type, grace) that
// re-evaluates the model through the API (POST /api/business-cases/evaluate, nothing saved) and
// redraws charts and KPIs in place. The Monte Carlo section runs the saved version's uncertainties on
// request (POST …/montecarlo): percentiles, where the base case falls and what drives the spread.
import { api } from '../api.js';
import { chart } from '../chart.js';
import { euro, euroShort, instant, number, parseDecimal, percent, plural, ratio, repaymentNames } from '../format.js';
import { boardOf, h, isFinancier, kpis, message, param, projectTabs, run, section, startPage, table } from '../layout.js';

run(async () => {
  const { caller, main, setTitle } = await startPage({ title: 'Business case', section: 'overview' });
  const id = param('id');
  if (!id) { main.append(message('error', 'Geen project gekozen: open een project vanuit het overzicht.')); return; }
  const project = await api(`/api/projects/${encodeURIComponent(id)}`);
  setTitle(`Business case – ${project.name}`);
  main.append(projectTabs(project.id, 'business-case'));

  const versions = await api(`/api/projects/${encodeURIComponent(id)}/business-cases`);
  if (!versions.length) {
    main.append(message('warning', 'Voor dit project is nog geen business case bewaard.'));
    return;
  }
  const wanted = Number(param('version')) || Math.max(...versions.map(v => v.version));
  const saved = await api(`/api/projects/${encodeURIComponent(id)}/business-cases/${wanted}`);
  const model = saved.model;
  const lenderMin = model.lender?.minDscr ?? saved.version.kpis.lenderMinDscr;

  main.append(h('p', { class: 'muted' },
    `Versie ${saved.version.version} van ${versions.length}: ${saved.version.name}. ${saved.version.note || ''} Bewaard door ${saved.version.savedBy} op ${instant(saved.version.savedAt)}.`));

  const kpiHolder = h('div', { id: 'kpi-holder' });
  const chartsHolder = h('div');
  const simNote = h('div', { 'aria-live': 'polite', id: 'simulation-note' });
  const sourcesHolder = h('div');

  const draw = (evaluation, simulated) => {
    kpiHolder.replaceChildren(kpiList(evaluation, lenderMin));
    chartsHolder.replaceChildren(cashFlowChart(evaluation), dscrChart(evaluation, lenderMin, simulated ? saved.result.evaluation : null), yearTable(evaluation));
    sourcesHolder.replaceChildren(sourcesAndUses(evaluation));
  };

  const simulator = loanSimulator(model, async changedModel => {
    const answer = await api('/api/business-cases/evaluate', { method: 'POST', body: { model: changedModel } });
    draw(answer.evaluation, true);
    return answer;
  }, () => draw(saved.result.evaluation, false), simNote);

  // The financier simulates loan terms; for the other roles the simulator is there but folded away.
  const forFinancier = isFinancier(caller.role) || caller.role === 'admin';
  main.append(
    section('Kerncijfers', kpiHolder),
    section('Leningsimulator',
      h('p', {}, 'Reken de business case door met andere leenvoorwaarden. Er wordt niets bewaard; grafieken en kerncijfers hieronder en hierboven passen zich aan.'
        + (boardOf(caller) ? ' Een nieuwe versie bewaart het bestuur met het opdrachtregelprogramma warmte: warmte business-case save <project> <modelbestand>.' : '')),
      forFinancier ? simulator : h('details', {}, h('summary', {}, 'Leenvoorwaarden aanpassen'), simulator),
      simNote),
    section('Kasstroom en DSCR per jaar', chartsHolder),
    section('Onzekerheid (Monte Carlo)', monteCarlo(id, saved.version.version, model)),
    section('Bronnen en bestedingen', sourcesHolder),
    section('Aannames', h('details', {}, h('summary', {}, `${saved.result.evaluation.assumptions.length} aannames met redenering en bron`), table('Aannames van het model', [
      { label: 'Veld', value: a => a.field, rowHeader: true },
      { label: 'Redenering', value: a => a.reasoning },
      { label: 'Bron', value: a => a.source },
    ], saved.result.evaluation.assumptions))));
  draw(saved.result.evaluation, false);
});

/**
 * "ja", "nee", or with a cash gap in time "ja, maar in 2027 € 343.905,66 tekort (overbrugging nodig)": closing is
 * sources ≥ uses over the horizon; a year below zero cash still needs bridging (the CLI and the gate say the same).
 */
function closesText(k) {
  if (!(k.bridgingNeeded > 0)) return k.financingCloses ? 'ja' : 'nee';
  return `${k.financingCloses ? 'ja, maar' : 'nee, en'} in ${k.lowestCashBalanceYear} ${euro(k.bridgingNeeded)} tekort (overbrugging nodig)`;
}

function kpiList(evaluation, lenderMin) {
  const k = evaluation.kpis;
  const closes = k.financingCloses;
  return kpis([
    ['Minimale DSCR', `${ratio(k.minDscr)} (${k.minDscrYear ?? '–'})`, { id: 'kpi-min-dscr', class: `kpi ${k.minDscr !== null && lenderMin !== undefined && k.minDscr < lenderMin ? 'bad' : 'good'}`, 'data-value': k.minDscr }],
    ['Eis financier (min. DSCR)', ratio(lenderMin)],
    ['Gemiddelde DSCR', ratio(k.averageDscr)],
    ['LLCR', ratio(k.llcr)],
    ['Financiering sluit', closesText(k), { id: 'kpi-closes', class: `kpi ${!closes ? 'bad' : k.bridgingNeeded > 0 ? 'warn' : 'good'}`, 'data-bridging': k.bridgingNeeded }],
    ['Netto contante waarde', euro(k.npv, { wholeEuros: true })],
    ['NCW na financiering', euro(k.npvAfterFinancing, { wholeEuros: true })],
    ['IRR', percent(k.irr)],
    ['Terugverdiend in', k.paybackYear ? String(k.paybackYear) : 'niet binnen de looptijd'],
    ['Totale rente', euro(k.totalInterest, { wholeEuros: true }), { id: 'kpi-interest' }],
    ['Laagste kassaldo', `${euro(k.lowestCashBalance, { wholeEuros: true })} (${k.lowestCashBalanceYear ?? '–'})`],
    ['Schuld aan het eind', euro(k.debtOutstandingAtEnd, { wholeEuros: true })],
  ], 'kpis');
}

function cashFlowChart(evaluation) {
  const years = evaluation.years.map(y => String(y.year));
  return chart({
    id: 'cashflow-chart',
    title: 'Kasstroom beschikbaar voor schuldendienst (CFADS) en schuldendienst per jaar',
    description: `Per jaar van ${years[0]} tot ${years[years.length - 1]}: staven voor de kasstroom beschikbaar voor schuldendienst, een lijn voor rente en aflossing samen.`,
    labels: years, yFormat: euroShort,
    series: [
      { name: 'CFADS', kind: 'bar', values: evaluation.years.map(y => y.cfads), className: 'bars-cfads' },
      { name: 'Schuldendienst', values: evaluation.years.map(y => y.debtService), className: 'debt-service' },
    ],
    legend: [
      { shape: 'bar', className: 'bars-cfads', label: 'Kasstroom beschikbaar voor schuldendienst (CFADS)' },
      { shape: 'line', className: 'debt-service', label: 'Schuldendienst (rente + aflossing)' },
    ],
  });
}

function dscrChart(evaluation, lenderMin, savedEvaluation) {
  const years = evaluation.years.map(y => String(y.year));
  // The DSCR means something only in years with debt service that the lender tests.
  const dscr = e => e.years.map(y => (y.debtService > 0 && y.covenantTested ? y.dscr : null));
  const series = [{ name: savedEvaluation ? 'DSCR gesimuleerd' : 'DSCR', values: dscr(evaluation), className: savedEvaluation ? 'simulated' : 'dscr' }];
  const legend = [{ shape: 'line', className: series[0].className, label: series[0].name }];
  if (savedEvaluation) {
    series.unshift({ name: 'DSCR bewaarde versie', values: dscr(savedEvaluation), className: 'dscr', dashed: true });
    legend.unshift({ shape: 'dashed', className: 'dscr', label: 'DSCR bewaarde versie' });
  }
  if (lenderMin !== null && lenderMin !== undefined) legend.push({ shape: 'threshold', label: `Eis financier: minimaal ${ratio(lenderMin)}` });
  return chart({
    id: 'dscr-chart',
    title: 'DSCR per jaar met de eis van de financier',
    description: `Debt service coverage ratio per getoetst jaar; de minimale DSCR is ${ratio(evaluation.kpis.minDscr)} in ${evaluation.kpis.minDscrYear}, de financier eist ${ratio(lenderMin)}.`,
    labels: years, yFormat: v => ratio(v), series, legend,
    thresholds: lenderMin === null || lenderMin === undefined ? [] : [{ value: lenderMin, label: `min. ${ratio(lenderMin)}` }],
  });
}

function yearTable(evaluation) {
  return h('details', {}, h('summary', {}, 'Tabel: kasstroom en DSCR per jaar'),
    table('Kasstroom en DSCR per jaar', [
      { label: 'Jaar', value: y => String(y.year), rowHeader: true },
      { label: 'Omzet', value: y => euro(y.revenue, { wholeEuros: true }), numeric: true },
      { label: 'EBITDA', value: y => euro(y.ebitda, { wholeEuros: true }), numeric: true },
      { label: 'CFADS', value: y => euro(y.cfads, { wholeEuros: true }), numeric: true },
      { label: 'Rente', value: y => euro(y.interest, { wholeEuros: true }), numeric: true },
      { label: 'Aflossing', value: y => euro(y.principal, { wholeEuros: true }), numeric: true },
      { label: 'DSCR', value: y => (y.debtService > 0 ? ratio(y.dscr) : '–'), numeric: true },
      { label: 'Kassaldo', value: y => euro(y.cashBalance, { wholeEuros: true }), numeric: true },
    ], evaluation.years));
}

function sourcesAndUses(evaluation) {
  const su = evaluation.kpis.sourcesAndUses;
  const rows = [
    ['Subsidies', su.subsidies],
    ['Derden (bijv. TEO-installatie van AGV)', su.thirdParty],
    ['Aansluitbijdragen', su.connectionFees],
    ['Afkoop vermeden ketelkosten', su.boilerBuyOff],
    ['Ledenkapitaal', su.memberCapital],
    ['Leningen', su.loans],
  ];
  return h('div', {},
    table('Bronnen tegenover bestedingen', [
      { label: 'Post', value: r => r[0], rowHeader: true },
      { label: 'Bedrag', value: r => euro(r[1]), numeric: true },
      { label: 'Aandeel in de bronnen', value: r => (r[2] && su.sources ? percent(r[1] / su.sources, 1) : ''), numeric: true },
    ], [...rows.map(r => [...r, true]), ['Totaal bronnen', su.sources, true], ['Bestedingen (investering)', su.uses, false], ['Overschot (bronnen − bestedingen)', su.surplus, false]], { id: 'sources-uses' }),
    su.covered ? message('ok', 'De bronnen dekken de bestedingen.') : message('error', `De bronnen dekken de bestedingen niet: tekort ${euro(-su.surplus)}.`));
}

/** The loan form: one loan of the model at a time; on submit the changed model is evaluated. */
function loanSimulator(model, evaluate, reset, note) {
  const loans = model.sources?.loans || [];
  if (!loans.length) return h('p', {}, 'Dit model heeft geen lening om te simuleren.');
  const field = (id, label, input, hint) => h('div', {}, h('label', { for: id }, label), input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
  const loanSelect = h('select', { id: 'sim-loan', name: 'loan' }, loans.map((l, i) => h('option', { value: i }, `${l.lender} (${euro(l.principal, { wholeEuros: true })})`)));
  const rate = h('input', { id: 'sim-rate', name: 'rate', inputmode: 'decimal', 'aria-describedby': 'sim-rate-hint sim-rate-error', autocomplete: 'off' });
  const term = h('input', { id: 'sim-term', name: 'term', inputmode: 'numeric', 'aria-describedby': 'sim-term-hint sim-term-error', autocomplete: 'off' });
  const type = h('select', { id: 'sim-type', name: 'type' }, Object.entries(repaymentNames).map(([v, t]) => h('option', { value: v }, t)));
  const grace = h('input', { id: 'sim-grace', name: 'grace', inputmode: 'numeric', 'aria-describedby': 'sim-grace-hint sim-grace-error', autocomplete: 'off' });

  const fill = () => {
    const l = loans[Number(loanSelect.value)];
    rate.value = String(Math.round(l.annualRate * 10000) / 100).replace('.', ',');
    term.value = String(l.termYears);
    type.value = l.repayment || 'Annuity';
    grace.value = String(l.graceYears || 0);
  };
  loanSelect.addEventListener('change', fill);
  fill();

  const setError = (input, text) => {
    const error = document.getElementById(`${input.id}-error`);
    if (text) { input.setAttribute('aria-invalid', 'true'); error.textContent = text; error.hidden = false; } else { input.removeAttribute('aria-invalid'); error.textContent = ''; error.hidden = true; }
  };

  const form = h('form', { class: 'panel', id: 'loan-simulator', novalidate: true },
    h('div', { class: 'fields' },
      loans.length > 1 ? field('sim-loan', 'Lening', loanSelect) : null,
      field('sim-rate', 'Rente per jaar (%)', rate, 'Bijv. 3 of 4,5'),
      field('sim-term', 'Looptijd (jaren)', term, '1 tot 100'),
      field('sim-type', 'Aflossingsvorm', type),
      field('sim-grace', 'Aflossingsvrije jaren', grace, 'Kleiner dan de looptijd')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Doorrekenen'),
      h('button', { type: 'button', class: 'secondary', onclick: () => { fill(); [rate, term, grace].forEach(i => setError(i, null)); reset(); note.replaceChildren(); } }, 'Terug naar de bewaarde versie')));

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const r = parseDecimal(rate.value);
    const t = Number(term.value.trim());
    const g = Number(grace.value.trim());
    let ok = true;
    const check = (input, bad, text) => { setError(input, bad ? text : null); if (bad) ok = false; };
    check(rate, Number.isNaN(r) || r < -5 || r > 50, 'Vul een rente in tussen −5 en 50 procent, bijv. 3,5.');
    check(term, !Number.isInteger(t) || t < 1 || t > 100, 'Vul een hele looptijd in van 1 tot 100 jaar.');
    check(grace, !Number.isInteger(g) || g < 0 || g >= t, 'Vul hele jaren in, 0 of meer en kleiner dan de looptijd.');
    if (!ok) { form.querySelector('[aria-invalid="true"]').focus(); return; }

    const index = Number(loanSelect.value);
    const changed = structuredClone(model);
    Object.assign(changed.sources.loans[index], { annualRate: Math.round(r * 100) / 10000, termYears: t, repayment: type.value, graceYears: g });
    note.replaceChildren(message('status', 'Doorrekenen…'));
    try {
      const answer = await evaluate(changed);
      const k = answer.evaluation.kpis;
      note.replaceChildren(message(k.financingCloses ? 'ok' : 'warning',
        `Gesimuleerd (niet bewaard): ${String(r).replace('.', ',')}% rente, ${t} jaar, ${repaymentNames[type.value].toLowerCase()}, ${plural(g, 'aflossingsvrij jaar', 'aflossingsvrije jaren')}. `
        + `Minimale DSCR ${ratio(k.minDscr)}; de financiering sluit ${k.financingCloses ? 'wel' : 'niet'}`
        + (k.bridgingNeeded > 0 ? `, ${k.financingCloses ? 'maar' : 'en'} in ${k.lowestCashBalanceYear} is er ${euro(k.bridgingNeeded)} tekort (overbrugging nodig).` : '.')));
    } catch (error) {
      // The API names the field (model.sources.loans[0].termYears); show it at the matching input.
      const map = { annualRate: rate, termYears: term, graceYears: grace };
      for (const [path, reasons] of Object.entries(error.errors || {})) {
        const key = path.split('.').pop();
        if (map[key]) setError(map[key], reasons.join(' '));
      }
      note.replaceChildren(message('error', error.message));
    }
  });
  return form;
}

const MONTE_CARLO_RUNS = 2000;

/** The Monte Carlo of the saved version: run on request, with the model's own uncertainties or the defaults. */
function monteCarlo(projectId, version, model) {
  const result = h('div', { id: 'montecarlo-result', 'aria-live': 'polite' });
  const hasDebt = (model.sources?.loans || []).length > 0;
  const button = h('button', { type: 'button', id: 'montecarlo-run' }, `Monte Carlo starten (${number(MONTE_CARLO_RUNS, 0)} trekkingen)`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.replaceChildren(message('status', 'Doorrekenen…'));
    try {
      const r = await api(`/api/projects/${encodeURIComponent(projectId)}/business-cases/${version}/montecarlo`,
        { method: 'POST', body: { runs: MONTE_CARLO_RUNS, seed: 1 } });
      result.replaceChildren(monteCarloResult(r, hasDebt));
    } catch (error) {
      result.replaceChildren(message('error', error.message));
    } finally {
      button.disabled = false;
    }
  });
  return h('div', {},
    h('p', {}, 'Trekt de onzekere invoer willekeurig uit de verdelingen van deze versie en rekent elke trekking door. '
      + 'Dezelfde versie geeft altijd dezelfde uitkomst (seed 1).'),
    button, result);
}

function monteCarloResult(r, hasDebt) {
  const position = share => `P${number(Math.round(share * 100), 0)}: ${percent(share, 1)} van de trekkingen komt hierop of lager uit`;
  const rows = [['NPV', euro(r.npvP10, { wholeEuros: true }), euro(r.npvP50, { wholeEuros: true }), euro(r.npvP90, { wholeEuros: true }), euro(r.baseCase.npv, { wholeEuros: true })]];
  if (hasDebt) rows.push(['Laagste DSCR', ratio(r.minDscrP10), ratio(r.minDscrP50), ratio(r.minDscrP90), ratio(r.baseCase.minDscr)]);
  const baseCase = [h('li', { id: 'montecarlo-base-npv' }, `NPV: ${position(r.baseCase.npvPercentile)}.`)];
  if (hasDebt && r.baseCase.minDscrPercentile !== null) baseCase.push(h('li', { id: 'montecarlo-base-dscr' }, `Laagste DSCR: ${position(r.baseCase.minDscrPercentile)}.`));
  const correlation = v => (v === null || v === undefined ? 'geen spreiding' : ratio(v));
  const distribution = { Uniform: 'uniform', Triangular: 'driehoek', Pert: 'PERT' };
  const unitValue = (u, v) => {
    if (v === null || v === undefined) return '–';
    if (u.input === 'volloopvertraging-jaren') return `+${number(v, 2)} jaar`;
    if (u.input === 'rente-punten') return `${v > 0 ? '+' : ''}${number(v * 100, 2)} punt`;
    return percent(v, 0);
  };
  return h('div', {},
    table(`Uitkomsten van ${number(r.runs, 0)} trekkingen`, [
      { label: '', value: row => row[0], rowHeader: true },
      { label: 'P10', value: row => row[1], numeric: true },
      { label: 'P50', value: row => row[2], numeric: true },
      { label: 'P90', value: row => row[3], numeric: true },
      { label: 'Basisscenario', value: row => row[4], numeric: true },
    ], rows, { id: 'montecarlo-percentiles' }),
    h('p', { class: 'hint' }, 'P10: 10% van de trekkingen komt hierop of lager uit; P50 is de mediaan.'),
    h('h3', {}, 'Waar het basisscenario valt'),
    h('ul', {}, baseCase),
    h('p', { id: 'montecarlo-probabilities' }, `Kans dat de financiering niet sluit: ${percent(r.probabilityFinancingFails, 1)} `
      + `(bronnen dekken de bestedingen niet: ${percent(r.probabilityFundingGap, 1)}`
      + (hasDebt ? `; DSCR onder het minimum van de financier: ${percent(r.probabilityCovenantBreach, 1)}).` : ').')
      + ` Kans op kastekort (een jaar onder nul, overbrugging nodig): ${percent(r.probabilityBridgingNeeded, 1)}.`),
    table('Wat de spreiding drijft (rangcorrelatie van Spearman, −1 tot 1; grootste eerst)', [
      { label: 'Invoer', value: d => d.description, rowHeader: true },
      { label: 'Met NPV', value: d => correlation(d.npvCorrelation), numeric: true },
      ...(hasDebt ? [{ label: 'Met laagste DSCR', value: d => correlation(d.minDscrCorrelation), numeric: true }] : []),
    ], r.drivers, { id: 'montecarlo-drivers' }),
    h('details', {}, h('summary', {}, r.uncertaintyOrigin === 'Model'
      ? `${r.uncertainties.length} onzekerheden uit het model, met onderbouwing`
      : `${r.uncertainties.length} standaardonzekerheden (het model geeft er geen), met onderbouwing`),
    table('Onzekerheden', [
      { label: 'Invoer', value: u => u.description, rowHeader: true },
      { label: 'Verdeling', value: u => distribution[u.distribution] || u.distribution },
      { label: 'Laag', value: u => unitValue(u, u.low), numeric: true },
      { label: 'Meest waarschijnlijk', value: u => unitValue(u, u.mostLikely), numeric: true },
      { label: 'Hoog', value: u => unitValue(u, u.high), numeric: true },
      { label: 'Onderbouwing', value: u => u.reasoning },
      { label: 'Bron', value: u => u.source || 'aanname' },
    ], r.uncertainties, { id: 'montecarlo-uncertainties' })));
}
