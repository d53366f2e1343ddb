// Umbrella comparison (APEC): one row per member cooperative and project, sortable by any column
// and filterable by text, kind and phase, with the link to the spreadsheet export.
import { api, download } from '../api.js';
import { date, euro, instant, kindNames, month, number, plural, ratio } from '../format.js';
import { h, message, param, run, scrollFrame, section, startPage } from '../layout.js';

const PHASES = ['Initiatief', 'Haalbaarheid', 'Ontwikkeling', 'Realisatie', 'Beheer', 'Gestopt'];

run(async () => {
  const { main, setTitle } = await startPage({ title: 'Vergelijking', section: 'umbrella' });
  const umbrellas = await api('/api/umbrellas');
  if (!umbrellas.length) { main.append(message('warning', 'Er is nog geen koepel.')); return; }
  const id = param('id') || umbrellas[0].id;
  const comparison = await api(`/api/umbrellas/${encodeURIComponent(id)}`);
  setTitle(`Vergelijking – ${comparison.name}`);

  if (umbrellas.length > 1) {
    const choose = h('select', { id: 'umbrella-choice' }, umbrellas.map(u => h('option', { value: u.id, selected: u.id === id }, u.name)));
    choose.addEventListener('change', () => location.assign(`/app/umbrella?id=${encodeURIComponent(choose.value)}`));
    main.append(h('div', { class: 'fields' }, h('div', {}, h('label', { for: 'umbrella-choice' }, 'Koepel'), choose)));
  }

  const exportHref = `/api/umbrellas/${encodeURIComponent(id)}/export.xlsx`;
  const exportNote = h('div', { 'aria-live': 'polite' });
  const exportLink = h('a', { href: exportHref, id: 'export-link', class: 'button secondary', download: `${id}-vergelijking.xlsx` }, 'Download als spreadsheet (.xlsx)');
  exportLink.addEventListener('click', async event => {
    // The export needs the token, which a plain link cannot send: fetch it and hand over the file.
    event.preventDefault();
    exportNote.replaceChildren();
    try {
      await download(exportHref, `${id}-vergelijking.xlsx`);
    } catch (error) {
      exportNote.replaceChildren(message('error', error.status === 404
        ? 'De spreadsheet-export is op deze server (nog) niet beschikbaar.'
        : error.message));
    }
  });

  main.append(h('p', { class: 'lead' }, `${plural(new Set(comparison.rows.map(r => r.cooperativeId)).size, 'coöperatie', 'coöperaties')}, stand van ${date(comparison.asOf)}.`),
    h('div', { class: 'actions' }, exportLink), exportNote);

  const columns = [
    { key: 'cooperative', label: 'Coöperatie', text: r => r.cooperativeName, sort: r => r.cooperativeName },
    { key: 'kind', label: 'Soort', text: r => kindNames[r.kind] || r.kind, sort: r => kindNames[r.kind] || r.kind },
    { key: 'project', label: 'Project', text: r => (r.projectId ? h('a', { href: `/app/project?id=${r.projectId}` }, r.projectName) : '(geen project)'), sort: r => r.projectName },
    { key: 'phase', label: 'Fase', text: r => r.phase || '–', sort: r => (r.phase ? PHASES.indexOf(r.phase) : null) },
    { key: 'months', label: 'Maanden in fase', num: true, text: r => number(r.monthsInPhase), sort: r => r.monthsInPhase },
    { key: 'weq', label: 'WEQ', num: true, text: r => number(r.woningequivalenten), sort: r => r.woningequivalenten },
    { key: 'members', label: 'Leden', num: true, text: r => number(r.members), sort: r => r.members },
    { key: 'next', label: 'Eerstvolgende open voorwaarde', text: r => r.nextUnmetCondition || '–', sort: r => r.nextUnmetCondition },
    { key: 'granted', label: 'Subsidie toegekend', num: true, text: r => euro(r.finance?.subsidiesGranted, { wholeEuros: true }), sort: r => r.finance?.subsidiesGranted },
    { key: 'paid', label: 'Uitbetaald', num: true, text: r => euro(r.finance?.subsidiesPaid, { wholeEuros: true }), sort: r => r.finance?.subsidiesPaid },
    { key: 'investment', label: 'Investering', num: true, text: r => euro(r.finance?.investment, { wholeEuros: true }), sort: r => r.finance?.investment },
    { key: 'surplus', label: 'Bronnen − bestedingen', num: true, text: r => euro(r.finance?.sourcesMinusUses, { wholeEuros: true }), sort: r => r.finance?.sourcesMinusUses },
    { key: 'npv', label: 'NCW', num: true, text: r => euro(r.finance?.npv, { wholeEuros: true }), sort: r => r.finance?.npv },
    { key: 'dscr', label: 'Min. DSCR', num: true, text: r => ratio(r.finance?.minDscr), sort: r => r.finance?.minDscr },
    // "ja", "nee" or "ja, overbrugging € 343.906 in 2027": the service words it (CashGap.Brief), the gap in time beside "rond".
    { key: 'closes', label: 'Financiering rond', text: r => r.finance?.financingClosesText ?? '–',
      sort: r => (r.finance?.financingCloses === null || r.finance?.financingCloses === undefined ? null : (r.finance.financingCloses ? 2 : 0) + (r.finance.bridgingNeeded > 0 ? 0 : 1)) },
    // Runway and Risico as in the workbook's overview (tester T10): "who needs help" on the page too. Empty runway: the money
    // lasts until the work is done, or there is no cash plan.
    { key: 'runway', label: 'Runway (maanden)', num: true, text: r => number(r.finance?.runwayMonths), sort: r => r.finance?.runwayMonths },
    { key: 'cashShort', label: 'Kas leeg vanaf', num: true, text: r => (r.finance?.cashShortFrom ? month(r.finance.cashShortFrom) : '–'), sort: r => r.finance?.cashShortFrom },
    { key: 'shortfall', label: 'Kastekort', num: true, text: r => euro(r.finance?.shortfall, { wholeEuros: true }), sort: r => r.finance?.shortfall },
    { key: 'alerts', label: 'Open signalen', num: true, text: r => String(r.finance?.openAlerts ?? 0), sort: r => r.finance?.openAlerts ?? 0 },
    { key: 'risk', label: 'Risico', text: r => (r.finance ? (r.finance.atRisk ? h('strong', { class: 'risk' }, 'ja') : 'nee') : '–'), sort: r => (r.finance ? (r.finance.atRisk ? 1 : 0) : null) },
    { key: 'changed', label: 'Laatste wijziging', text: r => instant(r.lastChangeAt), sort: r => r.lastChangeAt },
  ];

  // Filters.
  const search = h('input', { id: 'filter-text', type: 'search', autocomplete: 'off', placeholder: 'naam van coöperatie of project' });
  const kind = h('select', { id: 'filter-kind' }, h('option', { value: '' }, 'Alle soorten'),
    [...new Set(comparison.rows.map(r => r.kind))].map(k => h('option', { value: k }, kindNames[k] || k)));
  const phase = h('select', { id: 'filter-phase' }, h('option', { value: '' }, 'Alle fasen'),
    PHASES.filter(p => comparison.rows.some(r => r.phase === p)).map(p => h('option', { value: p }, p)));
  const onlyAlerts = h('input', { id: 'filter-alerts', type: 'checkbox' });
  main.append(section('Filteren',
    h('div', { class: 'filters', role: 'search' },
      h('div', {}, h('label', { for: 'filter-text' }, 'Zoeken'), search),
      h('div', {}, h('label', { for: 'filter-kind' }, 'Soort'), kind),
      h('div', {}, h('label', { for: 'filter-phase' }, 'Fase'), phase),
      h('div', {}, h('label', { for: 'filter-alerts', class: 'check-label' }, onlyAlerts, 'Alleen met open signalen')))));

  let sortKey = 'cooperative';
  let direction = 1;
  const count = h('p', { id: 'row-count', role: 'status' });
  const headRow = h('tr');
  const body = h('tbody');
  const tableElement = h('table', { id: 'comparison' }, h('caption', {}, h('span', { class: 'caption-text' }, `${comparison.name}: coöperaties en projecten naast elkaar (klik op een kolomkop om te sorteren)`)), h('thead', {}, headRow), body);

  const compare = (a, b) => {
    const column = columns.find(c => c.key === sortKey);
    const x = column.sort(a);
    const y = column.sort(b);
    const xNull = x === null || x === undefined;
    const yNull = y === null || y === undefined;
    if (xNull || yNull) return xNull === yNull ? 0 : xNull ? 1 : -1; // empty cells last, either way
    if (typeof x === 'number' || typeof x === 'boolean') return (Number(x) - Number(y)) * direction;
    return String(x).localeCompare(String(y), 'nl') * direction;
  };

  const draw = () => {
    headRow.replaceChildren(...columns.map(c => h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': c.key === sortKey ? (direction > 0 ? 'ascending' : 'descending') : 'none', 'data-key': c.key },
      h('button', { type: 'button', class: 'sort', onclick: () => { direction = sortKey === c.key ? -direction : 1; sortKey = c.key; draw(); headRow.querySelector(`[data-key="${c.key}"] button`).focus(); } }, c.label))));
    const text = search.value.trim().toLowerCase();
    const rows = comparison.rows.filter(r =>
      (!text || `${r.cooperativeName} ${r.projectName || ''} ${r.cooperativeId} ${r.projectId || ''}`.toLowerCase().includes(text))
      && (!kind.value || r.kind === kind.value)
      && (!phase.value || r.phase === phase.value)
      && (!onlyAlerts.checked || (r.finance?.openAlerts ?? 0) > 0)).sort(compare);
    body.replaceChildren(...rows.map(r => h('tr', { 'data-cooperative': r.cooperativeId, 'data-project': r.projectId || '' },
      columns.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c.text(r)) : h('td', { class: c.num ? 'num' : null }, c.text(r)))))));
    count.textContent = `${rows.length} van ${comparison.rows.length} rijen getoond.`;
  };
  [search, kind, phase, onlyAlerts].forEach(el => el.addEventListener('input', draw));
  draw();
  main.append(section('Coöperaties naast elkaar', count, scrollFrame('Vergelijkingstabel', tableElement)));
});
