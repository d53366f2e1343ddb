// Cash position: the monthly cash line of the project's cash-flow plan under a financing regime,
// up to today solid and after today dashed (projected), tranche payments as markers, stall
// months shaded; the runway and "next tranche needed by" in words above the chart; the three
// regimes side by side as a chart and a table.
import { api } from '../api.js';
import { chart } from '../chart.js';
import { euro, euroShort, month, monthShort, monthWords, plural, regimeNames } from '../format.js';
import { h, kpis, message, param, projectTabs, run, section, startPage, table } from '../layout.js';

run(async () => {
  const { main, setTitle } = await startPage({ title: 'Kaspositie', section: 'overview' });
  const id = param('id');
  if (!id) { main.append(message('error', 'Geen project gekozen: open een project vanuit het overzicht.')); return; }
  const project = await api(`/api/projects/${encodeURIComponent(id)}`);
  setTitle(`Kaspositie – ${project.name}`);
  main.append(projectTabs(project.id, 'cashflow'));

  let regime = param('regime') || 'Tranches';
  // The cash position says whether there is a plan: the plan's views are asked only then (no 404 in the console).
  const position = await api(`/api/projects/${encodeURIComponent(id)}/cash-position`);
  if (position.hasPlan === false) {
    main.append(message('warning', 'Dit project heeft nog geen kasstroomplan (werkplan, fasebudgetten, tranches en doorlooptijden). Het bestuur legt het vast met het opdrachtregelprogramma warmte: warmte cashflow save <project> <planbestand>.'));
    return;
  }
  const [firstResult, regimes] = await Promise.all([
    api(`/api/projects/${encodeURIComponent(id)}/cashflow?regime=${encodeURIComponent(regime)}`),
    api(`/api/projects/${encodeURIComponent(id)}/regimes`),
  ]);
  let result = firstResult;
  // Once money was received or spending booked, the projection from where the project really is; its cash line (with the plan's
  // spending where nothing is booked yet, marked planned) is the chart's actual line.
  const timeline = position.totalSpent > 0 || position.totalReceived > 0
    ? await api(`/api/projects/${encodeURIComponent(id)}/cash-timeline`) : null;
  // "Vandaag" is the service's month on the whole page (tester T3): the cash position's month, never a projection's
  // first month (from the actual state that is the month after today).
  const serviceMonth = position.today;

  const outlookHolder = h('div', { id: 'outlook' });
  const chartHolder = h('div', { id: 'cash-chart-holder' });
  const picker = h('select', { id: 'regime', class: 'auto' }, Object.entries(regimeNames).map(([value, text]) => h('option', { value, selected: value === regime }, text)));
  const draw = () => {
    outlookHolder.replaceChildren(outlook(result, serviceMonth));
    chartHolder.replaceChildren(cashChart(result, timeline), summary(result, timeline), monthTable(result));
  };
  picker.addEventListener('change', async () => {
    regime = picker.value;
    result = await api(`/api/projects/${encodeURIComponent(id)}/cashflow?regime=${encodeURIComponent(regime)}`);
    history.replaceState(null, '', `?id=${encodeURIComponent(id)}&regime=${regime}`);
    draw();
  });

  main.append(
    h('p', { class: 'muted' }, `Kasstroomplan: ${result.name}. Doorlooptijd van de financier: ${leadTimeText(result.leadTimes)}`),
    outlookHolder,
    section('Kaspositie per maand',
      h('p', { class: 'muted' }, 'Simulatie van het plan vanaf de start, met gesimuleerde aanvragen; de vooruitblik hierboven gaat uit van de werkelijke stand zodra die er is.'),
      h('div', { class: 'regime-picker' }, h('label', { for: 'regime' }, 'Financieringsregime'), picker),
      chartHolder),
    section('Regimes vergeleken', regimeChart(regimes), regimeTable(regimes)),
    section('Werkelijk ontvangen en uitgegeven', actualPart(position)),
    // Element.append(null) would print the word "null" (tester F3): the section only when there is a timeline.
    ...(timeline ? [section('Vanaf de werkelijke stand', fromActual(timeline, serviceMonth))] : []));
  draw();
});

function outlook(result, serviceMonth) {
  const o = result.outlook;
  const lines = [];
  let calm = false;
  switch (o.state) {
    case 'GapAhead': {
      // No payment comes and no tranche is left (tester T5): the service's own sentence, no request advice.
      if (o.runsOutText) {
        lines.push(`Het geld reikt nog ${o.runwayMonths} ${o.runwayMonths === 1 ? 'maand' : 'maanden'} werk, tot en met ${monthWords(previousMonth(o.gapStart))}.`);
        lines.push(o.runsOutText);
        break;
      }
      const lastWorking = previousMonth(o.gapStart);
      lines.push(`Het geld reikt nog ${plural(o.runwayMonths, 'maand', 'maanden')} werk, tot en met ${monthWords(lastWorking)}.`);
      lines.push(`Volgende tranche nodig vóór ${monthWords(o.moneyNeededBy)}.`);
      if (o.requestBy) {
        lines.push(o.requestBy < o.today
          ? `Met ${plural(result.leadTimes.requestToPaidMonths, 'maand', 'maanden')} van aanvraag tot betaling had de aanvraag al in ${monthWords(o.requestBy)} de deur uit gemoeten.`
          : `Met ${plural(result.leadTimes.requestToPaidMonths, 'maand', 'maanden')} van aanvraag tot betaling moet de aanvraag uiterlijk in ${monthWords(o.requestBy)} de deur uit.`);
      }
      if (o.moneyExpected) lines.push(`Verwacht komt het geld in ${monthWords(o.moneyExpected)}: dan ligt het werk ${plural(o.gapMonths, 'maand', 'maanden')} stil.`);
      break;
    }
    case 'NoGapAhead':
      calm = true;
      // The month the work is done, never moneyLastsUntil (tester T6: that is the month before the cash runs short).
      lines.push(o.cashShortText
        ? `Er ligt geen windstilte meer in het verschiet${o.workDoneIn ? `; het werk is klaar in ${monthWords(o.workDoneIn)}` : ''}.`
        : `Het geld reikt tot het einde van het werk${o.workDoneIn ? ` (${monthWords(o.workDoneIn)})` : ''}: er ligt geen windstilte meer in het verschiet.`);
      break;
    case 'StoppedAtCap':
      // The simulation reached its cap unfinished: the service's own sentence (review R8), not "reikt tot het einde".
      lines.push(o.note);
      break;
    case 'InStall':
      // Dated from when the stall began (tester T3), and without a tranche to wait for when none is left (tester T5).
      // No payment restarts the work: the service's own sentence, which names what still comes (tester9a T1).
      if (o.runsOutText) {
        lines.push(o.runsOutText);
        break;
      }
      lines.push(`Het werk ligt stil${o.gapStart ? ` sinds ${monthWords(o.gapStart)}` : ''}: het wacht op de volgende tranche.`);
      if (o.moneyExpected) lines.push(`Volgende tranche verwacht in ${monthWords(o.moneyExpected)}.`);
      break;
    case 'Finished':
      calm = true;
      lines.push(`Het werk van dit plan is afgerond in ${monthWords(result.summary.completedIn)}.`);
      break;
    case 'OutOfFunding':
      lines.push('Het geld is op en er komt geen tranche meer: het werk kan niet worden afgemaakt.');
      break;
    default:
      lines.push(o.state);
  }
  // The cash below zero while the fixed costs run on (tester T2): the service's own sentence, in every state.
  if (o.cashShortText) {
    // First: the cash short takes precedence over a work runway (tester T6).
    lines.unshift(o.cashShortText);
    calm = false;
  }
  return h('div', { class: `outlook${calm ? ' calm' : ''}`, role: 'status', 'data-state': o.state },
    // The service's month (the outlook is dated today on both bases since tester T16; the service month stays the source).
    h('p', {}, h('strong', {}, `Vandaag (${monthWords(serviceMonth || (result.planOutlook || o).today)}), ${regimeNames[result.regime].toLowerCase()}, `
      + (o.basis === 'Actual'
        ? (o.workFromPlan
          ? 'vanaf de werkelijke stand (betaalde tranches; nog geen uitgaven of voortgang geboekt, dus de geplande uitgaven vanaf waar het plan het werk nu heeft):'
          : 'vanaf de werkelijke stand (betaalde en aangevraagde tranches, geboekte uitgaven):')
        : 'volgens de simulatie van het plan vanaf de start:'))),
    lines.map(l => h('p', {}, l)));
}

function previousMonth(ym) {
  const [y, m] = ym.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function cashChart(result, timeline) {
  const months = result.months.map(m => m.month);
  const today = (result.planOutlook || result.outlook).today;
  const todayIndex = months.indexOf(today);
  const closing = result.months.map(m => m.closing);
  // Solid up to and including today, dashed from today on (they share today's point).
  const past = closing.map((v, i) => (months[i] <= today ? v : null));
  const future = closing.map((v, i) => (months[i] >= today ? v : null));
  const bands = result.stalls.map(st => ({
    from: months.indexOf(st.start), to: months.indexOf(st.end), className: 'stall', kind: 'stall',
    label: `Windstilte ${month(st.start)} t/m ${month(st.end)}: ${plural(st.months, 'maand', 'maanden')}, kosten ${euro(st.cost)}`,
  })).filter(b => b.from >= 0 && b.to >= 0);
  const markers = [];
  result.months.forEach((m, i) => {
    for (const e of m.events) {
      if (e.kind === 'TranchePaid' || e.kind === 'PhaseBudgetPaid') {
        markers.push({ index: i, value: m.closing, className: 'tranche', kind: 'tranche',
          label: `${e.kind === 'TranchePaid' ? (e.name ? `${e.name}, tranche ${e.number}` : `Tranche ${e.number}`) : `Fasebudget ${e.name || ''}`} ${m.month <= today ? 'betaald' : 'verwacht'} in ${month(m.month)}: ${euro(e.amount)}` });
      }
    }
  });
  const series = [
    { name: 'tot vandaag', values: past, className: 'cash' },
    { name: 'verwacht', values: future, className: 'cash', dashed: true },
  ];
  // The actual cash line: the same balance as the cash timeline's rows and "Saldo nu", so with the plan's spending counted where
  // nothing is booked yet; those months are hatched (planned, not booked), with the amount in their title.
  const actualMonths = timeline ? timeline.actual.months : [];
  const planned = actualMonths.filter(m => m.planned > 0 && months.includes(m.month));
  if (actualMonths.length) {
    const byMonth = new Map(actualMonths.map(m => [m.month, m.closing]));
    series.push({ name: 'werkelijk', values: months.map(mo => (byMonth.has(mo) ? byMonth.get(mo) : null)), className: 'actual' });
    for (const m of planned) {
      const i = months.indexOf(m.month);
      bands.push({ from: i, to: i, className: 'planned', kind: 'planned', amount: m.planned,
        label: `${month(m.month)}: ${euro(m.planned)} geplande uitgaven, nog niet geboekt (meegeteld in de kaspositie)` });
    }
  }
  const legend = [
    { shape: 'line', className: 'cash', label: 'Kaspositie tot vandaag' },
    { shape: 'dashed', className: 'cash', label: 'Verwacht na vandaag' },
    { shape: 'band', className: 'stall', label: 'Windstilte (werk ligt stil)' },
    { shape: 'marker', className: 'tranche', label: 'Tranche-uitbetaling' },
  ];
  if (actualMonths.length) legend.push({ shape: 'line', className: 'actual', label: 'Werkelijk (ontvangen en uitgegeven)' });
  if (planned.length) legend.push({ shape: 'band', className: 'planned', label: 'Gepland, nog niet geboekt (meegeteld in de werkelijke lijn)' });
  return chart({
    id: 'cash-chart',
    title: `Kaspositie per maand, ${regimeNames[result.regime]}`,
    description: `Kaspositie aan het eind van elke maand van ${month(months[0])} tot ${month(months[months.length - 1])}. `
      + `${plural(result.stalls.length, 'windstilte is', 'windstiltes zijn')} gearceerd, samen ${plural(result.summary.monthsStalled, 'maand', 'maanden')}; ${plural(markers.length, 'uitbetaling is', 'uitbetalingen zijn')} gemarkeerd.`
      + (planned.length ? ` In ${plural(planned.length, 'maand', 'maanden')} telt de werkelijke lijn geplande uitgaven mee die nog niet geboekt zijn (schuin gestreept).` : ''),
    labels: months, tickLabel: i => monthShort(months[i]), yFormat: euroShort,
    series, bands, markers, legend,
    verticals: todayIndex >= 0 ? [{ index: todayIndex, label: 'vandaag' }] : [],
  });
}

// The tiles are the simulation of the plan from the start (the chart's line), not the outlook from the actual state
// above and below: they say so in their labels, and when the actual state answers differently the sentence above
// them gives that answer too, so a board member never reads "7 windstiltes" and "geen windstilte" without a word why (tester T3).
function summary(result, timeline) {
  const s = result.summary;
  const lines = [h('p', { id: 'cash-summary-basis', class: 'muted' }, 'Deze cijfers zijn van de simulatie van het plan vanaf de start (met gesimuleerde aanvragen), '
    + 'niet van de werkelijke stand.')];
  const actual = timeline && timeline.projection ? timeline.projection.summary : null;
  if (actual) {
    lines.push(h('p', { id: 'cash-summary-actual', class: 'muted' }, 'Vanaf de werkelijke stand (zie "Vanaf de werkelijke stand" hieronder): '
      + (actual.stallCount === 0 ? 'geen windstilte meer' : `nog ${plural(actual.stallCount, 'windstilte', 'windstiltes')} (samen ${plural(actual.monthsStalled, 'maand', 'maanden')})`)
      + `, klaar ${actual.completed ? monthWords(actual.completedIn) : 'niet (geld ontbreekt)'}.`));
  }
  return h('div', { class: 'cash-summary' }, lines, kpis([
    ['Windstiltes (simulatie)', `${s.stallCount} (samen ${plural(s.monthsStalled, 'maand', 'maanden')})`, { id: 'kpi-stalls' }],
    ['Looptijd (simulatie)', `${plural(s.durationMonths, 'maand', 'maanden')} (${plural(s.plannedWorkMonths, 'werkmaand', 'werkmaanden')})`],
    ['Klaar (simulatie)', s.completed ? monthWords(s.completedIn) : 'niet (geld ontbreekt)'],
    ['Extra kosten door stilstand', euro(s.extraCost)],
    ['Laagste kaspositie', `${euro(s.lowestCash)} (${month(s.lowestCashMonth)})`],
    ['Hoogste blootstelling financier', `${euro(s.peakExposure)} (${month(s.peakExposureMonth)})`],
  ], 'cash-summary'));
}

function monthTable(result) {
  const statusText = { Working: 'werk', Stalled: 'stil', Waiting: 'wacht op mijlpaal' };
  return h('details', {}, h('summary', {}, 'Tabel: kaspositie per maand'),
    table('Kaspositie per maand', [
      { label: 'Maand', value: m => month(m.month), rowHeader: true },
      { label: 'Status', value: m => statusText[m.status] || m.status },
      { label: 'Ontvangen', value: m => euro(m.received), numeric: true },
      { label: 'Uitgegeven', value: m => euro(m.spent), numeric: true },
      { label: 'Kaspositie eind maand', value: m => euro(m.closing), numeric: true },
    ], result.months));
}

function regimeChart(comparison) {
  const all = [...new Set(comparison.results.flatMap(r => r.months.map(m => m.month)))].sort();
  const series = comparison.results.map(r => {
    const byMonth = new Map(r.months.map(m => [m.month, m.closing]));
    return { name: regimeNames[r.regime], values: all.map(mo => (byMonth.has(mo) ? byMonth.get(mo) : null)), className: `regime-${r.regime}` };
  });
  return chart({
    id: 'regime-chart',
    title: 'Kaspositie per maand onder de drie financieringsregimes',
    description: comparison.results.map(r => `${regimeNames[r.regime]}: klaar in ${monthWords(r.summary.completedIn)}, ${plural(r.summary.monthsStalled, 'maand', 'maanden')} stil`).join('; ') + '.',
    labels: all, tickLabel: i => monthShort(all[i]), yFormat: euroShort, series,
    legend: comparison.results.map(r => ({ shape: 'line', className: `regime-${r.regime}`, label: regimeNames[r.regime] })),
  });
}

function regimeTable(comparison) {
  return table('De regimes naast elkaar', [
    { label: 'Regime', value: r => regimeNames[r.regime] || r.regime, rowHeader: true },
    { label: 'Looptijd (maanden)', value: r => String(r.summary.durationMonths), numeric: true },
    { label: 'Klaar', value: r => (r.summary.completed ? month(r.summary.completedIn) : 'niet'), numeric: true },
    { label: 'Maanden stil', value: r => String(r.summary.monthsStalled), numeric: true },
    { label: 'Extra kosten', value: r => euro(r.summary.extraCost), numeric: true },
    { label: 'Rentekosten', value: r => euro(r.summary.interestCost), numeric: true },
    { label: 'Hoogste blootstelling', value: r => euro(r.summary.peakExposure), numeric: true },
    { label: 'Laagste kas', value: r => euro(r.summary.lowestCash), numeric: true },
  ], comparison.results, { id: 'regime-table' });
}

/** The projection from the actual state: cash now, work done (reported or estimated), money on its way, the outlook. */
function fromActual(t, serviceMonth) {
  const s = t.state;
  const progress = s.progressSource === 'Reported' && t.progress
    ? `gemeld door het bestuur per eind ${month(t.progress.month)}`
    : s.progressSource === 'Planned'
      ? 'volgens het plan: nog geen uitgaven of voortgang geboekt (zolang het bestuur niet zelf meldt hoe ver het werk is)'
    : s.plannedBeforeBookings != null && s.bookedFrom
      // Bookings start late: the plan's estimate for the months before them (tester T8).
      ? `geschat: ${s.plannedBeforeBookings} volgens het plan tot de eerste boeking (${month(s.bookedFrom)}), de rest uit de geboekte uitgaven (zolang het bestuur niet zelf meldt hoe ver het werk is)`
      : 'geschat uit de geboekte uitgaven (zolang het bestuur niet zelf meldt hoe ver het werk is)';
  const onTheWay = s.expectedPayments.length
    ? s.expectedPayments.map(p => `${p.scheme ? `${p.scheme}, ` : ''}tranche ${p.number}: ${euro(p.amount)}, verwacht in ${monthWords(p.month)}`).join('; ')
    : 'geen tranche onderweg';
  const fields = h('div', { id: 'from-actual' },
    h('p', {}, `Saldo nu ${euro(t.actual.balance)}`
      // The plan's spending where nothing is booked (testers T2, T3).
      + (t.actual.planned ? ` (met ${euro(t.actual.planned)} geplande uitgaven die nog niet geboekt zijn; geboekt saldo ${euro(t.actual.bookedBalance)})` : '')
      + `. Werk gedaan: ${plural(s.workMonthsDone, 'werkmaand', 'werkmaanden')}, ${progress}. Onderweg: ${onTheWay}.`));
  if (!t.projection) return h('div', {}, fields, h('p', {}, 'Het werkplan is af; er valt niets meer te projecteren.'));
  return h('div', {}, fields,
    outlook({ outlook: t.outlook, leadTimes: t.projection.leadTimes, regime: t.regime, summary: t.projection.summary }, serviceMonth),
    h('p', { class: 'muted' }, `Klaar volgens deze projectie: ${monthWords(t.projection.summary.completedIn)}; `
      + `nog ${plural(t.projection.summary.monthsStalled, 'maand', 'maanden')} stil in ${plural(t.projection.summary.stallCount, 'windstilte', 'windstiltes')}.`));
}

function actualPart(position) {
  const payments = position.months.filter(m => m.received > 0);
  return h('div', {},
    h('p', {}, `Vanaf ${month(position.from)} tot en met ${month(position.today)}: `
      // The plan's opening balance is an assumption, not a booking (tester9a T4).
      + (position.openingBalance ? `beginsaldo volgens plan ${euro(position.openingBalance)} (aanname, niet geboekt), ` : '')
      + `ontvangen ${euro(position.totalReceived)}, geboekte uitgaven ${euro(position.totalSpent)}, saldo ${euro(position.balance)}.`
      + (position.totalSpent > 0 ? '' : ' Er zijn nog geen uitgaven geboekt; de lijn hierboven volgt daarom het plan.')),
    payments.length
      ? table('Werkelijk uitbetaalde tranches', [
        { label: 'Maand', value: m => month(m.month), rowHeader: true },
        { label: 'Ontvangen', value: m => euro(m.received), numeric: true },
      ], payments, { id: 'actual-payments' })
      : h('p', {}, 'Nog geen tranche uitbetaald.'));
}

// The funder's lead time: observed from real tranches in days, the one duration the payment dates use too (tester T11), with
// the whole months the monthly simulation counts; from the plan's setting in months.
function leadTimeText(lead) {
  const months = plural(lead.requestToPaidMonths, 'maand', 'maanden');
  if (lead.requestToPaidDays !== null && lead.requestToPaidDays !== undefined) {
    const days = Number(lead.requestToPaidDays).toLocaleString('nl-NL', { maximumFractionDigits: 1 });
    return `${days} ${Number(lead.requestToPaidDays) === 1 ? 'dag' : 'dagen'} van aanvraag tot betaling (mediaan van ${plural(lead.observations, 'tranche', 'tranches')} van dit project; de maandsimulatie rekent met ${months}).`;
  }
  return `${months} van aanvraag tot betaling ` + (lead.source === 'ObservedMedian'
    ? `(mediaan van ${plural(lead.observations, 'tranche', 'tranches')} van dit project).`
    : '(instelling van het plan; nog geen tranche van aanvraag tot betaling gevolgd).');
}
