// The financier's portfolio: funded projects with granted / paid / outstanding and the next
// expected payment, and every open alert across them, most urgent first.
import { api } from '../api.js';
import { date, euro, month, monthWords, severityNames } from '../format.js';
import { datesWhole, h, kpis, message, run, section, startPage, table } from '../layout.js';

const RANK = { High: 3, Medium: 2, Low: 1 };

run(async () => {
  const { main } = await startPage({ title: 'Portefeuille', section: 'portfolio' });
  const portfolio = await api('/api/portfolio');
  main.append(h('p', { class: 'lead' }, `Gefinancierde projecten${portfolio.funderId ? ` van financier ${portfolio.funderId}` : ''} op ${date(portfolio.asOf)}: ${portfolio.projects.length}.`),
    kpis([
      ['Toegekend', euro(portfolio.granted)],
      ['Uitbetaald', euro(portfolio.paid)],
      ['Nog uit te betalen', euro(portfolio.outstanding)],
    ], 'portfolio-totals'));

  // All alerts, most urgent first: severity, then the longest-standing.
  const alerts = portfolio.projects.flatMap(p => p.alerts.map(a => ({ ...a, projectName: p.projectName })))
    .sort((a, b) => (RANK[b.severity] - RANK[a.severity]) || a.since.localeCompare(b.since));
  main.append(section('Signalen, urgentste eerst',
    alerts.length
      ? table('Open signalen in de portefeuille', [
        { label: 'Urgentie', value: a => h('span', { class: `badge ${a.severity}` }, severityNames[a.severity] || a.severity) },
        { label: 'Project', value: a => h('a', { href: a.subject === 'kas' ? `/app/cashflow?id=${a.projectId}` : `/app/project?id=${a.projectId}` }, a.projectName) },
        { label: 'Signaal', value: a => a.message },
        { label: 'Sinds', value: a => date(a.since) },
      ], alerts, { id: 'alerts' })
      : message('ok', 'Geen open signalen.')));

  main.append(section('Projecten',
    table('Gefinancierde projecten, urgentste eerst', [
      { label: 'Project', value: p => h('a', { href: `/app/project?id=${p.projectId}` }, p.projectName), rowHeader: true },
      { label: 'Coöperatie', value: p => p.cooperativeName || p.cooperativeId },
      { label: 'Fase', value: p => p.phase },
      { label: 'Toegekend', value: p => euro(p.granted), numeric: true },
      { label: 'Uitbetaald', value: p => euro(p.paid), numeric: true },
      { label: 'Nog uit te betalen', value: p => euro(p.outstanding), numeric: true },
      { label: 'Volgende betaling verwacht', value: p => (p.nextExpectedPayment ? `${date(p.nextExpectedPayment)} (${euro(p.nextExpectedAmount)})${p.nextExpectedTranche ? `, ${p.nextExpectedTranche}` : ''}${p.nextExpectedUncertainty ? ', onzeker' : ''}` : '–') },
      { label: 'Geld reikt', value: p => moneyLasts(p) },
      { label: 'Ernstigste signaal', value: p => (p.worstSeverity ? h('span', { class: `badge ${p.worstSeverity}` }, severityNames[p.worstSeverity]) : 'geen') },
    ], portfolio.projects, { id: 'portfolio' })));
});

// How long the money lasts. First whether the cash goes below zero (cashShortFrom, the outlook's own month and shortfall):
// then the bills cannot be paid, however long the work's runway. Else a number of months only when the money runs out
// (runwayMonths); when it lasts, until the end of the work (moneyLastsUntil) — "nog 53 maanden" there read as "the money
// runs out then".
function moneyLasts(p) {
  const link = text => h('a', { href: `/app/cashflow?id=${p.projectId}` }, text);
  if (p.cashShortFrom) {
    const deepest = p.shortfallMonth && p.shortfallMonth !== p.cashShortFrom ? ` in ${month(p.shortfallMonth)}` : '';
    return h('span', { class: 'cash-short' },
      // Months kept whole on a phone (tester7 T12), as in the signal texts.
      link(datesWhole(`kas leeg vanaf ${month(p.cashShortFrom)}`)), datesWhole(` (tekort ${euro(p.shortfall)}${deepest})`));
  }
  // The outlook's own short answer (tester7 T6): "werk ligt stil (sinds 09-2026)" rather than "nog 0 maanden", "werk ligt stil vanaf 09-2027, nog te vinden € 13.500,00".
  if (p.moneyLastsText) return link(datesWhole(p.moneyLastsText));
  if (p.runwayMonths !== null && p.runwayMonths !== undefined) return link(`nog ${p.runwayMonths} ${p.runwayMonths === 1 ? 'maand' : 'maanden'}`);
  if (p.moneyLastsUntil) return link(`tot het einde van het werk (${monthWords(p.moneyLastsUntil)})`);
  return '–';
}
