// Project page: phase timeline Initiatief → Beheer with dates, the next gate's checklist with
// evidence, milestones planned vs actual with slips, deliverables. The board of the project's
// cooperative (and an admin) can record a milestone here; everyone else reads.
import { api, download } from '../api.js';
import { date, instant, number, parseDutchDate, plural } from '../format.js';
import { boardOf, canWrite, h, message, param, projectTabs, run, section, startPage, table } from '../layout.js';

const ORDER = ['Initiatief', 'Haalbaarheid', 'Ontwikkeling', 'Realisatie', 'Beheer'];

run(async () => {
  const { caller, main, setTitle } = await startPage({ title: 'Project', section: 'overview' });
  const id = param('id');
  if (!id) { main.append(message('error', 'Geen project gekozen: open een project vanuit het overzicht.')); return; }
  let project = await api(`/api/projects/${encodeURIComponent(id)}`);
  // The gate catalogue names every deliverable key ("intentieverklaring" → its description).
  // The cooperative's name for the lead line (tester A10: its id was shown); the id when it cannot be read.
  const [gates, cooperative] = await Promise.all([
    api('/api/gates'),
    api(`/api/cooperatives/${encodeURIComponent(project.cooperativeId)}`).catch(() => null),
  ]);
  const describe = new Map(gates.flatMap(g => g.conditions.map(c => [c.key, c.description])));
  setTitle(project.name);

  const writable = canWrite(caller, project.cooperativeId);
  const board = boardOf(caller);
  main.append(projectTabs(project.id, 'project'));
  main.append(h('p', { class: 'lead' },
    `${cooperative?.cooperative?.statutoryName || `Coöperatie ${project.cooperativeId}`} · ${number(project.woningequivalenten)} woningequivalenten · ${number(project.plannedConnections)} geplande aansluitingen · gestart ${date(project.startedOn)}`));
  if (project.technology) main.append(h('p', { class: 'muted' }, project.technology));
  main.append(h('p', {}, h('a', { href: `/app/decisions?id=${encodeURIComponent(project.id)}`, id: 'decisions-link' },
    'Stemmingen en instemming'), ': de besluiten van de ALV, de instemming van de huurders, de Wcw-toets en de leden in aantallen.'));
  main.append(exportLink(project));
  if (board && !writable) {
    main.append(message('warning', `Alleen lezen: u bent aangemeld als bestuur van ${board}; dit project hoort bij ${project.cooperativeId}. Wijzigen kan alleen het bestuur van ${project.cooperativeId} of een beheerder.`));
  }

  const timelineHolder = h('div');
  const gateHolder = h('div');
  const milestoneHolder = h('div');
  main.append(section('Fasen', timelineHolder), section('Volgende poort', gateHolder), section('Mijlpalen', milestoneHolder));

  const draw = () => {
    timelineHolder.replaceChildren(timeline(project));
    gateHolder.replaceChildren(gate(project));
    milestoneHolder.replaceChildren(milestones(project));
  };
  draw();

  if (writable) {
    main.append(section('Mijlpaal vastleggen', milestoneForm(project, updated => { project = updated; draw(); })));
  }

  main.append(section('Documenten en besluiten', table('Vastgelegde documenten en besluiten (bewijs voor de poorten)', [
    { label: 'Onderwerp', value: d => describe.get(d.key) || d.key, rowHeader: true },
    { label: 'Aanwezig sinds', value: d => date(d.presentOn) },
    { label: 'Verwijzing', value: d => d.reference || '' },
    { label: 'Vastgelegd door', value: d => `${d.recordedBy}, ${instant(d.recordedAt)}` },
  ], project.deliverables)));

  if (project.history.length) {
    main.append(section('Poortbesluiten', table('Poortbesluiten, oudste eerst', [
      { label: 'Datum', value: t => date(t.decidedOn) },
      { label: 'Besluit', value: t => `${t.from} → ${t.to} (${t.kind === 'Go' ? 'go' : t.kind === 'NoGo' ? 'no-go' : t.kind})` },
      { label: 'Door', value: t => t.decidedBy },
      { label: 'Motivering', value: t => t.rationale },
    ], project.history)));
  }
});

/** The project's spreadsheet export; fetched with the token, since a plain link cannot send it. */
function exportLink(project) {
  const href = `/api/projects/${encodeURIComponent(project.id)}/export.xlsx`;
  const note = h('div', { 'aria-live': 'polite' });
  const link = h('a', { href, id: 'project-export-link', class: 'button secondary', download: `${project.id}.xlsx` }, 'Download project als spreadsheet (.xlsx)');
  link.addEventListener('click', async event => {
    event.preventDefault();
    note.replaceChildren();
    try {
      await download(href, `${project.id}.xlsx`);
    } catch (error) {
      note.replaceChildren(message('error', error.status === 404 ? 'De spreadsheet-export is op deze server (nog) niet beschikbaar.' : error.message));
    }
  });
  return h('div', {}, h('div', { class: 'actions' }, link), note);
}

/** Phase start dates: Initiatief from the project start, every later phase from the last go into it. */
function phaseDates(project) {
  const started = { Initiatief: project.startedOn };
  for (const t of project.history) started[t.to] = t.decidedOn;
  return started;
}

function timeline(project) {
  const started = phaseDates(project);
  const currentIndex = ORDER.indexOf(project.phase);
  const items = ORDER.map((phase, i) => {
    let state;
    let when;
    if (project.phase === 'Gestopt') {
      state = started[phase] ? 'doorlopen' : 'niet bereikt';
      when = started[phase] ? `vanaf ${date(started[phase])}` : '';
    } else if (i < currentIndex) {
      state = 'afgerond';
      when = `${date(started[phase])} – ${date(started[ORDER[i + 1]])}`;
    } else if (i === currentIndex) {
      state = 'huidige fase';
      when = `sinds ${date(project.phaseSince)} (${plural(project.monthsInPhase, 'maand', 'maanden')})`;
    } else {
      state = 'nog niet';
      when = '';
    }
    const cls = i < currentIndex && project.phase !== 'Gestopt' ? 'done' : i === currentIndex ? 'current' : null;
    return h('li', { class: cls, 'aria-current': i === currentIndex ? 'step' : null, 'data-phase': phase },
      h('span', { class: 'name' }, phase), h('span', { class: 'when' }, when || ' '), h('span', { class: 'state' }, state));
  });
  const list = h('ol', { class: 'timeline', 'aria-label': 'Fasen van Initiatief tot Beheer' }, items);
  if (project.phase === 'Gestopt') {
    const stop = project.history.filter(t => t.to === 'Gestopt').pop();
    return h('div', {}, message('error', `Het project is gestopt op ${date(stop?.decidedOn)}: ${stop?.rationale || ''}`), list);
  }
  return list;
}

function gate(project) {
  const g = project.nextGate;
  if (!g) return h('p', {}, project.phase === 'Beheer' ? 'Het project is in beheer: er volgt geen poort meer.' : 'Er is geen volgende poort.');
  const met = g.conditions.filter(c => c.met).length;
  return h('div', {},
    h('p', {}, `Van ${g.from} naar ${g.to}: ${met} van ${g.conditions.length} voorwaarden vervuld.`,
      g.allMet ? ' Alle voorwaarden zijn vervuld; de poort kan genomen worden.' : ''),
    table(`Checklist voor de poort ${g.from} → ${g.to}`, [
      { label: 'Voorwaarde', value: c => c.description, rowHeader: true },
      { label: 'Vervuld', value: c => h('span', { class: c.met ? 'met' : 'unmet', 'data-met': String(c.met) }, c.met ? '✓ ja' : '✗ nee') },
      { label: 'Bewijs', value: c => c.evidence },
    ], g.conditions, { id: 'gate-checklist' }));
}

function milestones(project) {
  if (!project.milestones.length) return h('p', {}, 'Nog geen mijlpalen vastgelegd.');
  const slip = m => {
    if (m.overdue) return h('span', { class: 'late' }, 'over de geplande datum');
    if (m.slipDays > 0) return h('span', { class: 'late' }, `${plural(m.slipDays, 'dag', 'dagen')} later (${m.slipMonths} mnd) dan oorspronkelijk`);
    if (m.slipDays < 0) return `${plural(-m.slipDays, 'dag', 'dagen')} eerder`;
    return 'op schema';
  };
  return table('Mijlpalen: oorspronkelijk gepland, nu gepland en werkelijk', [
    { label: 'Mijlpaal', value: m => m.name, rowHeader: true },
    { label: 'Oorspronkelijk gepland', value: m => date(m.baselineOn) },
    { label: 'Nu gepland', value: m => date(m.plannedOn) },
    { label: 'Werkelijk', value: m => (m.actualOn ? date(m.actualOn) : 'nog niet') },
    { label: 'Uitloop', value: slip },
  ], project.milestones, { id: 'milestones' });
}

function milestoneForm(project, onSaved) {
  const status = h('div', { 'aria-live': 'polite' });
  const choose = h('select', { id: 'ms-key', name: 'key' },
    project.milestones.map(m => h('option', { value: m.key }, m.name)), h('option', { value: '' }, 'Nieuwe mijlpaal…'));
  const keyInput = h('input', { id: 'ms-new-key', name: 'newKey', placeholder: 'bijv. start-aansluitingen', 'aria-describedby': 'ms-new-key-hint' });
  const nameInput = h('input', { id: 'ms-name', name: 'name', required: true });
  // Dates as text in the Dutch order, whatever language the browser itself speaks.
  const planned = h('input', { id: 'ms-planned', name: 'plannedOn', required: true, placeholder: 'dd-mm-jjjj', inputmode: 'numeric', autocomplete: 'off' });
  const actual = h('input', { id: 'ms-actual', name: 'actualOn', placeholder: 'dd-mm-jjjj', inputmode: 'numeric', autocomplete: 'off' });
  const newKeyField = h('div', { hidden: true }, h('label', { for: 'ms-new-key' }, 'Sleutel (kleine letters, cijfers, streepjes)'), keyInput,
    h('p', { id: 'ms-new-key-hint', class: 'hint' }, 'Wordt het adres van de mijlpaal; niet meer te wijzigen.'));

  const fill = () => {
    const m = project.milestones.find(x => x.key === choose.value);
    newKeyField.hidden = !!m;
    nameInput.value = m ? m.name : '';
    planned.value = m ? date(m.plannedOn) : '';
    actual.value = m?.actualOn ? date(m.actualOn) : '';
  };
  choose.addEventListener('change', fill);
  fill();

  const form = h('form', { class: 'panel', id: 'milestone-form', novalidate: true },
    h('div', { class: 'fields' },
      h('div', {}, h('label', { for: 'ms-key' }, 'Mijlpaal'), choose),
      newKeyField,
      h('div', {}, h('label', { for: 'ms-name' }, 'Naam'), nameInput),
      h('div', {}, h('label', { for: 'ms-planned' }, 'Gepland op (dd-mm-jjjj)'), planned),
      h('div', {}, h('label', { for: 'ms-actual' }, 'Werkelijk op (dd-mm-jjjj; leeg: nog niet)'), actual)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Mijlpaal opslaan')),
    status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    const key = choose.value || keyInput.value.trim();
    status.replaceChildren();
    const plannedOn = parseDutchDate(planned.value);
    const actualOn = actual.value.trim() ? parseDutchDate(actual.value) : null;
    const wrong = [];
    if (!plannedOn) wrong.push(['Gepland op', planned]);
    if (actual.value.trim() && !actualOn) wrong.push(['Werkelijk op', actual]);
    [planned, actual].forEach(i => i.removeAttribute('aria-invalid'));
    if (wrong.length) {
      wrong.forEach(([, input]) => input.setAttribute('aria-invalid', 'true'));
      status.replaceChildren(message('error', `${wrong.map(([label]) => label).join(' en ')}: geen geldige datum; gebruik dd-mm-jjjj, bijv. 14-12-2024.`));
      wrong[0][1].focus();
      return;
    }
    try {
      const body = { name: nameInput.value.trim(), plannedOn, actualOn };
      const updated = await api(`/api/projects/${encodeURIComponent(project.id)}/milestones/${encodeURIComponent(key)}`, { method: 'PUT', body });
      onSaved(updated);
      status.replaceChildren(message('ok', `Mijlpaal '${body.name}' opgeslagen.`));
    } catch (error) {
      const fields = Object.entries(error.errors || {}).map(([field, reasons]) => `${field}: ${reasons.join(' ')}`);
      status.replaceChildren(message('error', [error.message, ...fields].join(' ')));
    }
  });
  return form;
}
