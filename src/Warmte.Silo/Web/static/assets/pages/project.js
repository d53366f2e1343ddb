// Project page: phase timeline Initiatief → Beheer with dates, the next gate's checklist with
// evidence, milestones planned vs actual with slips, deliverables, gate decisions. The board of the
// project's cooperative (and an admin) can record a milestone, mark a document or decision present and
// record a go / no-go here (the API decides and its Dutch refusals are shown at the form); everyone
// else reads.
import { api, download } from '../api.js';
import { date, instant, number, parseDutchDate, plural } from '../format.js';
import { boardOf, canWrite, h, message, param, projectTabs, run, section, startPage, table } from '../layout.js';

const ORDER = ['Initiatief', 'Haalbaarheid', 'Ontwikkeling', 'Realisatie', 'Beheer'];

run(async () => {
  const { caller, today, main, setTitle } = await startPage({ title: 'Project', section: 'overview' });
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
  const deliverableHolder = h('div');
  const historyHolder = h('div');
  main.append(section('Fasen', timelineHolder), section('Volgende poort', gateHolder), section('Mijlpalen', milestoneHolder));

  const draw = () => {
    timelineHolder.replaceChildren(timeline(project));
    gateHolder.replaceChildren(gate(project));
    milestoneHolder.replaceChildren(milestones(project));
    deliverableHolder.replaceChildren(deliverables(project, describe));
    historyHolder.replaceChildren(history(project));
  };
  draw();
  // What one form saves, the others show too (a document changes the gate's count; a Go, the documents offered first).
  const forms = [];
  const saved = updated => { project = updated; draw(); forms.forEach(f => f.refresh()); };

  // A stopped project takes no writes at all (the API refuses them), so it gets no forms.
  if (writable && project.phase !== 'Gestopt') {
    forms.push(deliverableForm(() => project, gates, saved), gateDecisionForm(() => project, today, saved));
    main.append(section('Mijlpaal vastleggen', milestoneForm(project, saved)));
    main.append(section('Document of besluit vastleggen', forms[0]));
    main.append(section('Poortbesluit vastleggen', forms[1]));
  }

  main.append(section('Documenten en besluiten', deliverableHolder));
  main.append(section('Poortbesluiten', historyHolder));
});

function deliverables(project, describe) {
  if (!project.deliverables.length) return h('p', {}, 'Nog geen documenten of besluiten vastgelegd.');
  return table('Vastgelegde documenten en besluiten (bewijs voor de poorten)', [
    { label: 'Onderwerp', value: d => describe.get(d.key) || d.key, rowHeader: true },
    { label: 'Aanwezig sinds', value: d => date(d.presentOn) },
    { label: 'Verwijzing', value: d => d.reference || '' },
    { label: 'Vastgelegd door', value: d => `${d.recordedBy}, ${instant(d.recordedAt)}` },
  ], project.deliverables, { id: 'deliverables' });
}

function kindText(kind) {
  return kind === 'Go' ? 'go' : kind === 'NoGo' ? 'no-go' : kind === 'Stop' ? 'gestopt' : kind;
}

function history(project) {
  if (!project.history.length) return h('p', {}, 'Nog geen poortbesluiten.');
  return table('Poortbesluiten, oudste eerst', [
    { label: 'Datum', value: t => date(t.decidedOn) },
    { label: 'Besluit', value: t => `${t.from} → ${t.to} (${kindText(t.kind)})` },
    { label: 'Door', value: t => t.decidedBy },
    { label: 'Motivering', value: t => t.rationale },
  ], project.history, { id: 'gate-decisions' });
}

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

/** A field's own error line, announced, and linked to its control (aria-describedby). */
function fieldError(id) {
  return h('p', { class: 'field-error', id, role: 'alert' });
}

function showFieldError(input, line, text) {
  line.textContent = text || '';
  if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
}

/** A date field typed the Dutch way, whatever language the browser speaks (docs/web.md). */
function dateInput(id, describedBy) {
  return h('input', { id, placeholder: 'dd-mm-jjjj', inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': describedBy });
}

/** The API's field errors at their fields (by API field name); what belongs to no field is returned as text. */
function placeErrors(error, fields) {
  const rest = [];
  for (const [field, reasons] of Object.entries(error.errors || {})) {
    const target = fields[field];
    const text = reasons.join(' ');
    if (target) showFieldError(target.input, target.line, `${target.label}: ${text}`);
    else rest.push(`${field}: ${text}`);
  }
  return rest;
}

/**
 * "Document of besluit vastleggen": marks a gate's document or decision present on a date
 * (PUT …/deliverables/{key}). Only the conditions a board records itself are offered; the computed ones
 * (ALV decision, tenant consent, the business case closing) come from their own registers. The choice
 * starts at the next gate's first open condition.
 */
function deliverableForm(current, gates, onSaved) {
  const status = h('div', { id: 'deliverable-status', tabindex: '-1' });
  const choose = h('select', { id: 'dl-key', name: 'key', 'aria-describedby': 'dl-key-error' });
  const keyError = fieldError('dl-key-error');
  const presentOn = dateInput('dl-present', 'dl-present-hint dl-present-error');
  const presentError = fieldError('dl-present-error');
  const reference = h('input', { id: 'dl-reference', name: 'reference', autocomplete: 'off', maxlength: '500', 'aria-describedby': 'dl-reference-error' });
  const referenceError = fieldError('dl-reference-error');
  const describe = new Map(gates.flatMap(g => g.conditions.map(c => [c.key, c.description])));

  // After a save the choice moves on to the next open condition, so a board can work down the checklist.
  const options = () => {
    const project = current();
    const recorded = new Map(project.deliverables.map(d => [d.key, d]));
    choose.replaceChildren(...gates.map(g => h('optgroup', { label: `Poort ${g.from} → ${g.to}` },
      g.conditions.filter(c => c.markable).map(c => h('option', { value: c.key },
        recorded.has(c.key) ? `${c.description} (aanwezig sinds ${date(recorded.get(c.key).presentOn)})` : c.description)))));
    const open = project.nextGate?.conditions.find(c => !c.met && gates.some(g => g.conditions.some(x => x.key === c.key && x.markable)));
    choose.value = open?.key || choose.options[0]?.value || '';
  };
  const fill = () => {
    const existing = current().deliverables.find(d => d.key === choose.value);
    presentOn.value = existing ? date(existing.presentOn) : '';
    reference.value = existing?.reference || '';
  };
  options();
  fill();
  choose.addEventListener('change', fill);

  const form = h('form', { class: 'panel', id: 'deliverable-form', novalidate: true },
    h('p', {}, 'Leg vast dat een document of besluit dat een poort vraagt er is, met de datum waarop het er was. Een poortbesluit telt alleen bewijs van op of vóór zijn datum.'),
    h('div', { class: 'fields' },
      h('div', { class: 'wide' }, h('label', { for: 'dl-key' }, 'Document of besluit'), choose, keyError),
      h('div', {}, h('label', { for: 'dl-present' }, 'Aanwezig sinds (dd-mm-jjjj)'), presentOn,
        h('p', { class: 'hint', id: 'dl-present-hint' }, 'Niet in de toekomst.'), presentError),
      h('div', {}, h('label', { for: 'dl-reference' }, 'Verwijzing (mag leeg; bijv. rapport of versie)'), reference, referenceError)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Als aanwezig vastleggen')),
    status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    status.replaceChildren();
    [[choose, keyError], [presentOn, presentError], [reference, referenceError]].forEach(([input, line]) => showFieldError(input, line, ''));
    const key = choose.value;
    const on = parseDutchDate(presentOn.value);
    if (!on) {
      showFieldError(presentOn, presentError, 'Aanwezig sinds: geen geldige datum; gebruik dd-mm-jjjj, bijv. 14-12-2024.');
      presentOn.focus();
      return;
    }
    let updated;
    try {
      updated = await api(`/api/projects/${encodeURIComponent(current().id)}/deliverables/${encodeURIComponent(key)}`,
        { method: 'PUT', body: { presentOn: on, reference: reference.value.trim() || null } });
    } catch (error) {
      const rest = placeErrors(error, {
        presentOn: { input: presentOn, line: presentError, label: 'Aanwezig sinds' },
        reference: { input: reference, line: referenceError, label: 'Verwijzing' },
        key: { input: choose, line: keyError, label: 'Document of besluit' },
      });
      if (!Object.keys(error.errors || {}).length || rest.length) status.replaceChildren(message('error', [error.message, ...rest].join(' ')));
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    onSaved(updated);
    const g = updated.nextGate;
    const state = g ? ` Poort ${g.from} → ${g.to}: ${g.conditions.filter(c => c.met).length} van ${g.conditions.length} voorwaarden vervuld.` : '';
    status.replaceChildren(message('ok', `'${describe.get(key) || key}' vastgelegd: aanwezig sinds ${date(on)}.${state}`),
      ...(updated.warnings || []).map(w => message('warning', `Let op: ${w}`)));
  });
  form.refresh = () => { options(); fill(); };
  return form;
}

/** Where the project stands, above the gate-decision form; redrawn when a document is recorded. */
function summaryText(project) {
  const g = project.nextGate;
  const met = g ? g.conditions.filter(c => c.met).length : 0;
  return `Huidige fase: ${project.phase}, sinds ${date(project.phaseSince)}.` + (g ? ` Poort naar ${g.to}: ${met} van ${g.conditions.length} voorwaarden vervuld.` : '');
}

/** The phase a no-go goes back to, where the API allows one (from Haalbaarheid, Ontwikkeling and Realisatie). */
function previousPhase(phase) {
  const i = ORDER.indexOf(phase);
  return i >= 1 && i <= 3 ? ORDER[i - 1] : null;
}

/**
 * "Poortbesluit vastleggen": a go to the next phase or a no-go back, with date, who decided and the
 * reason (POST …/transitions). Stopping a project is final and stays with the command line. The API judges
 * the gate as of the decision date; a refusal lists the open conditions or names the field next to it.
 * After a decision the form is drawn again for the new phase.
 */
function gateDecisionForm(current, today, onSaved) {
  const holder = h('div', { id: 'gate-decision' });
  const render = done => {
    const project = current();
    const next = project.nextGate ? project.nextGate.to : null;
    const back = previousPhase(project.phase);
    if (!next && !back) {
      holder.refresh = () => {};
      holder.replaceChildren(h('p', {}, `In fase ${project.phase} volgt geen poort meer.`), ...(done ? [done] : []));
      return;
    }
    const radio = (id, value, text, checked) => h('label', { class: 'check', for: id },
      h('input', { type: 'radio', id, name: 'to', value, checked, 'aria-describedby': 'gd-to-error' }), text);
    const choices = [
      next ? radio('gd-go', next, `Go: door naar ${next}`, true) : null,
      back ? radio('gd-nogo', back, `No-go: terug naar ${back}`, !next) : null,
    ];
    const toError = fieldError('gd-to-error');
    const decidedOn = dateInput('gd-date', 'gd-date-hint gd-date-error');
    decidedOn.value = date(today);
    const dateError = fieldError('gd-date-error');
    const decidedBy = h('input', { id: 'gd-by', name: 'decidedBy', autocomplete: 'off', maxlength: '200', 'aria-describedby': 'gd-by-error' });
    const byError = fieldError('gd-by-error');
    const rationale = h('textarea', { id: 'gd-rationale', name: 'rationale', rows: '3', maxlength: '4000', 'aria-describedby': 'gd-rationale-error' });
    const rationaleError = fieldError('gd-rationale-error');
    const refusal = h('div', { id: 'gate-refusal' });
    const summary = h('p', { id: 'gate-form-summary' }, summaryText(project));
    holder.refresh = () => { summary.textContent = summaryText(current()); };
    const form = h('form', { class: 'panel', id: 'gate-form', novalidate: true },
      summary,
      h('fieldset', { class: 'choices' }, h('legend', {}, 'Besluit'), ...choices.filter(Boolean), toError),
      h('div', { class: 'fields' },
        h('div', {}, h('label', { for: 'gd-date' }, 'Datum van het besluit (dd-mm-jjjj)'), decidedOn,
          h('p', { class: 'hint', id: 'gd-date-hint' }, `Niet in de toekomst en niet vóór ${date(project.phaseSince)} (begin van de huidige fase).`), dateError),
        h('div', {}, h('label', { for: 'gd-by' }, 'Besloten door (bijv. ALV, stuurgroep)'), decidedBy, byError)),
      h('div', {}, h('label', { for: 'gd-rationale' }, 'Motivering'), rationale, rationaleError),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Poortbesluit vastleggen')),
      refusal);
    holder.replaceChildren(form, ...(done ? [done] : []));

    form.addEventListener('submit', async event => {
      event.preventDefault();
      refusal.replaceChildren();
      done?.remove();
      const to = form.querySelector('input[name="to"]:checked');
      const first = form.querySelector('input[name="to"]');
      [[first, toError], [decidedOn, dateError], [decidedBy, byError], [rationale, rationaleError]].forEach(([input, line]) => showFieldError(input, line, ''));
      const on = parseDutchDate(decidedOn.value);
      if (!on) {
        showFieldError(decidedOn, dateError, 'Datum van het besluit: geen geldige datum; gebruik dd-mm-jjjj, bijv. 14-12-2024.');
        decidedOn.focus();
        return;
      }
      let updated;
      try {
        updated = await api(`/api/projects/${encodeURIComponent(project.id)}/transitions`, {
          method: 'POST', body: { to: to ? to.value : null, decidedOn: on, decidedBy: decidedBy.value.trim(), rationale: rationale.value.trim() },
        });
      } catch (error) {
        // Unmet gate conditions come as errors["conditions.<key>"]: listed under the refusal, each with its evidence.
        const conditions = Object.entries(error.errors || {}).filter(([field]) => field.startsWith('conditions.'));
        const others = { ...(error.errors || {}) };
        conditions.forEach(([field]) => delete others[field]);
        const rest = placeErrors({ errors: others }, {
          to: { input: first, line: toError, label: 'Besluit' },
          decidedOn: { input: decidedOn, line: dateError, label: 'Datum van het besluit' },
          decidedBy: { input: decidedBy, line: byError, label: 'Besloten door' },
          rationale: { input: rationale, line: rationaleError, label: 'Motivering' },
        });
        if (conditions.length || !Object.keys(others).length || rest.length) {
          refusal.replaceChildren(message('error', [error.message, ...rest].join(' ')),
            conditions.length ? h('p', {}, 'Nog open:') : null,
            conditions.length ? h('ul', { id: 'gate-open-conditions' }, conditions.map(([, reasons]) => h('li', {}, reasons.join(' ')))) : null);
        }
        form.querySelector('[aria-invalid="true"]')?.focus();
        return;
      }
      onSaved(updated);
      const last = updated.history[updated.history.length - 1];
      const what = last.kind === 'Go' ? `Go: van ${last.from} naar ${last.to}` : `No-go: van ${last.from} terug naar ${last.to}`;
      const note = h('div', { id: 'gate-decision-status', tabindex: '-1' },
        message('ok', `${what} vastgelegd op ${date(last.decidedOn)}, besloten door ${last.decidedBy}. Het project is nu in fase ${updated.phase}.`));
      render(note);
      // The form was drawn anew for the new phase: keep keyboard focus on what happened, not lost on the page.
      note.focus();
    });
  };
  render(null);
  return holder;
}
