// Stemmingen en instemming: the decisions that open the Realisatie phase, for one project.
// The ALV results of the project's cooperative (exact counts, the statute rule applied, the
// quorum), tenant consent per complex against its threshold with the forecast, the project
// total, the Wet collectieve warmte check and the member counts per category.
// Counts for everyone. The member register itself (names, addresses) is shown only to the
// cooperative's own board and admins, folded away; who voted what and consent per address never
// appear on this page (docs/web.md).
import { api, storedToken } from '../api.js';
import { date, number, parseDutchDate, percent, plural } from '../format.js';
import { canWrite, h, kpis, message, param, projectTabs, run, section, startPage, table } from '../layout.js';

const SVG = 'http://www.w3.org/2000/svg';

const outcomeNames = { Aangenomen: 'Aangenomen', Verworpen: 'Verworpen', GeenQuorum: 'Geen quorum' };
const decisionTypeNames = {
  Realisatiebesluit: 'Realisatiebesluit', Statutenwijziging: 'Statutenwijziging', Bestuursverkiezing: 'Bestuursverkiezing',
  Tariefbesluit: 'Tariefbesluit', Overig: 'Overig besluit',
};
const categoryNames = { EigenaarBewoner: 'Eigenaar-bewoners', Huurder: 'Huurders', Bedrijf: 'Bedrijven', Overig: 'Overig' };
const routeNames = {
  Vrijgesteld: 'Vrijgesteld (minder dan 10 aansluitingen)',
  PubliekMeerderheid: 'Publiek meerderheidsbelang',
  Warmtegemeenschap: 'Warmtegemeenschap',
  Geen: 'Nog geen route aangetoond',
};
const sizeBandNames = {
  Klein: 'klein (minder dan 10 aansluitingen)',
  Middel: 'middel (10 tot en met 1.500 aansluitingen)',
  Groot: 'groot (meer dan 1.500 aansluitingen: een aangewezen kavel is nodig)',
};

run(async () => {
  const { caller, main, setTitle } = await startPage({ title: 'Stemmingen en instemming', section: 'overview' });
  const id = param('id');
  if (!id) { main.append(message('error', 'Geen project gekozen: open een project vanuit het overzicht.')); return; }
  const project = await api(`/api/projects/${encodeURIComponent(id)}`);
  setTitle(`Stemmingen en instemming – ${project.name}`);
  main.append(projectTabs(project.id, 'decisions'));

  const coop = encodeURIComponent(project.cooperativeId);
  const pid = encodeURIComponent(project.id);
  const [cooperative, meetings, statutes, consent, wcw, members] = await Promise.all([
    api(`/api/cooperatives/${coop}`),
    api(`/api/cooperatives/${coop}/alv/meetings`),
    api(`/api/cooperatives/${coop}/alv/statutes`),
    api(`/api/projects/${pid}/consent`),
    api(`/api/projects/${pid}/wcw`),
    api(`/api/cooperatives/${coop}/members/summary`),
  ]);

  const coopName = (cooperative.cooperative || cooperative).statutoryName || project.cooperativeId;
  main.append(h('p', { class: 'lead' },
    `Besluiten van de algemene ledenvergadering (ALV) van ${coopName}, de instemming van de huurders, de toets aan de Wet collectieve warmte en de leden in aantallen.`));
  main.append(h('p', { class: 'muted', id: 'privacy-note' },
    'Deze pagina toont alleen aantallen. Namen, adressen, wie wat stemde en de antwoorden per adres staan niet op het dashboard.'));

  main.append(section('Besluiten van de ALV', alv(meetings, project), statuteTable(statutes)));
  if (canWrite(caller, project.cooperativeId)) {
    const panels = await onlinePanels(coop, meetings, statutes);
    if (panels.length) main.append(section('Online stemmen (bestuur)', ...panels));
  }
  main.append(section('Instemming van huurders', consentView(consent)));
  main.append(section('Wet collectieve warmte', wcwView(wcw)));
  main.append(section('Leden', memberView(members)));
  if (canWrite(caller, project.cooperativeId)) {
    main.append(registerView(await api(`/api/cooperatives/${coop}/members`), members.on));
  }
});

const onlineStatusNames = { gepland: 'Gepland', open: 'Open', gesloten: 'Gesloten' };

/**
 * The board's online-voting panel per meeting that has online voting: status and window, codes
 * issued, turnout per proposal (counts per channel only: totals stay sealed until a proposal is
 * closed), and the actions: codes as a mail-merge sheet or letters, a new code for one member, and
 * closing online voting. A meeting without online voting that still has open proposals gets the
 * form to open it. Only for the cooperative's own board and admins (the API refuses everyone else
 * anyway); every rule (statutes, the 30-day window) is the API's, whose Dutch answers the forms show.
 */
async function onlinePanels(coop, meetings, statutes) {
  const panels = [];
  for (const m of [...meetings].sort((a, b) => b.date.localeCompare(a.date))) {
    const base = `/api/cooperatives/${coop}/alv/meetings/${encodeURIComponent(m.id)}/online`;
    // The meeting list says which meetings have online voting: only those are asked for their panel (no 404s).
    let view = null;
    if (m.onlineVoting) {
      try { view = await api(base); } catch (e) { if (e.status !== 404) throw e; }
    }
    if (!view) {
      const open = m.proposals.filter(p => !p.isClosed && p.mode !== 'Tally');
      if (open.length) panels.push(openOnlineForm(base, m, open, statutes));
      continue;
    }
    const turnouts = await Promise.all(view.proposals.map(p =>
      api(`/api/cooperatives/${coop}/alv/meetings/${encodeURIComponent(m.id)}/proposals/${encodeURIComponent(p.proposalId)}/turnout`)));
    const title = id => (m.proposals.find(p => p.id === id) || {}).title || id;
    const status = h('p', { role: 'status', class: 'online-result' });
    const actions = view.status === 'gesloten' ? [] : [
      h('button', { type: 'button', onclick: () => issue(base, 'xlsx', `stemcodes-${m.id}.xlsx`, status) }, 'Stemcodes downloaden (xlsx)'),
      h('button', { type: 'button', onclick: () => issue(base, 'letters', `stembrieven-${m.id}.html`, status) }, 'Stembrieven downloaden (afdrukken)'),
      h('button', { type: 'button', class: 'secondary', onclick: () => closeOnline(base, status) }, 'Online stemming sluiten'),
    ];
    panels.push(h('article', { class: 'panel online-voting', 'data-online': m.id },
      h('h3', {}, `${m.title} (${date(m.date)})`),
      h('p', {}, h('span', { class: `badge ${view.status === 'open' ? 'Open' : ''}`, 'data-online-status': view.status }, onlineStatusNames[view.status] || view.status),
        ` Online stemmen van ${date(view.opens)} tot en met ${date(view.meetingDate)}${view.closedAt ? ' (door het bestuur gesloten)' : ''}.`),
      kpis([
        ['Stemgerechtigd', number(view.electorate), { 'data-count': 'electorate' }],
        ['Stemcodes uitgegeven', number(view.codesIssued), { 'data-count': 'codes' }],
        ['Online gestemd (leden)', number(view.voters), { 'data-count': 'voters' }],
      ]),
      // Closed, and the register changed since (tester6 T5): say which figure the results used.
      view.electorateNow != null ? h('p', { class: 'muted', 'data-electorate-now': view.electorateNow },
        `De uitslagen zijn geteld met ${number(view.electorate)} stemgerechtigden; volgens het register van nu waren het er ${number(view.electorateNow)} op de vergaderdatum. De uitslagen blijven staan; alleen een hertelling telt opnieuw.`) : null,
      // Online voters not counted for a quorum under these statutes (tester10 T4): the service's own sentence.
      view.quorumNote ? h('p', { class: 'message warning', 'data-quorum-note': '' }, `Let op: ${view.quorumNote}`) : null,
      table('Opkomst per voorstel', [
        { label: 'Voorstel', value: x => title(x.id), rowHeader: true },
        { label: 'Gestemd', value: x => number(x.t.ballots) },
        { label: 'Online', value: x => number(x.t.online) },
        { label: 'Op de vergadering', value: x => number(x.t.atMeeting) },
        { label: 'Bij volmacht', value: x => number(x.t.byProxy) },
      ], view.proposals.map((p, i) => ({ id: p.proposalId, t: turnouts[i] })), { id: `online-turnout-${m.id}` }),
      h('p', { class: 'muted' }, 'Alleen aantallen: wie wat stemde ziet niemand, en de uitslag staat pas vast als een voorstel gesloten is.'),
      actions.length ? h('div', { class: 'buttons' }, actions) : null,
      actions.length ? h('p', { class: 'muted' }, 'Let op: stemcodes downloaden geeft alle leden een nieuwe code; eerder verstuurde codes werken dan niet meer.') : null,
      actions.length ? reissueForm(base, m) : null,
      status));
  }
  return panels;
}

/** Issues every member a new code and hands the sheet or the letters to the browser (POST, so not download()). */
async function issue(base, format, fileName, status) {
  if (!confirm('Alle leden krijgen een nieuwe stemcode; eerder verstuurde codes werken niet meer. Doorgaan?')) return;
  const response = await fetch(`${base}/codes?format=${format}`, {
    method: 'POST', headers: { Authorization: 'Bearer ' + storedToken(), 'Content-Type': 'application/json' }, body: '{}',
  });
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not JSON */ }
    status.textContent = (problem && problem.detail) || 'Stemcodes uitgeven lukte niet.';
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = h('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  status.textContent = 'Nieuwe stemcodes uitgegeven en gedownload.' + warningOf(response);
}

/** The service's warnings on a codes download (no public URL; letters without a postal address, tester6 T8), as " Let op: …". */
function warningOf(response) {
  const warning = response.headers.get('Warmte-Waarschuwing');
  return warning ? ` Let op: ${warning}` : '';
}

/** A field's own error line, announced, and linked to the control (aria-describedby). */
function fieldError(id) {
  return h('p', { class: 'field-error', id, role: 'alert' });
}

function showFieldError(input, line, text) {
  line.textContent = text || '';
  if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
}

/**
 * "Online stemmen openen": the proposals of the meeting (open ones, checked), an explanation per
 * proposal for the member page, and the first voting day. The API decides (statutes, BW 2:38a's
 * 30 days, the notice date); its Dutch reasons appear next to the field they are about.
 */
function openOnlineForm(base, meeting, proposals, statutes) {
  const key = meeting.id.replace(/[^a-z0-9-]/gi, '');
  const allowed = !!(statutes.electronic && statutes.electronic.advanceVotingAllowed);
  const status = h('div', { role: 'status' });
  const checks = proposals.map((p, i) => ({
    p,
    box: h('input', { type: 'checkbox', id: `open-${key}-p${i}`, checked: true, value: p.id }),
    text: h('textarea', { id: `open-${key}-t${i}`, rows: '2', maxlength: '4000' }),
  }));
  const proposalsError = fieldError(`open-${key}-proposals-error`);
  const opens = h('input', { id: `open-${key}-opens`, inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': `open-${key}-opens-hint open-${key}-opens-error` });
  const opensError = fieldError(`open-${key}-opens-error`);
  const form = h('form', { class: 'panel online-open', 'data-online-open': meeting.id, novalidate: true },
    h('h3', {}, `${meeting.title} (${date(meeting.date)})`),
    h('p', {}, 'Voor deze vergadering is nog geen online stemming. Kies de voorstellen en de eerste stemdag; daarna kunt u de stemcodes downloaden.'),
    allowed ? null : h('p', { class: 'message warning' },
      'De statuten staan elektronisch stemmen nu niet toe (BW 2:38a); openen wordt dan geweigerd. Leg het eerst vast in de statuten.'),
    h('fieldset', { 'aria-describedby': proposalsError.id },
      h('legend', {}, 'Voorstellen'),
      ...checks.map(c => h('div', { class: 'online-open-proposal' },
        h('label', { class: 'check', for: c.box.id }, c.box, c.p.title),
        h('label', { for: c.text.id }, `Toelichting bij ${c.p.title} (voor de leden; mag leeg)`), c.text)),
      proposalsError),
    h('div', { class: 'fields' },
      h('div', {}, h('label', { for: opens.id }, 'Eerste stemdag (dd-mm-jjjj)'), opens,
        h('p', { class: 'hint', id: `open-${key}-opens-hint` }, 'Leeg: vandaag. Niet eerder dan de 30e dag vóór de vergadering en niet vóór de oproep.'),
        opensError)),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Online stemmen openen')),
    status);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    status.replaceChildren();
    showFieldError(opens, opensError, '');
    showFieldError(checks[0].box, proposalsError, '');
    const chosen = checks.filter(c => c.box.checked);
    let opensOn = null;
    if (opens.value.trim()) {
      opensOn = parseDutchDate(opens.value);
      if (!opensOn) { showFieldError(opens, opensError, 'Eerste stemdag: geen geldige datum; gebruik dd-mm-jjjj, bijv. 14-12-2024.'); opens.focus(); return; }
    }
    const body = { proposals: chosen.map(c => ({ proposalId: c.p.id, explanation: c.text.value.trim() || null })) };
    if (opensOn) body.opens = opensOn;
    try {
      await api(base, { method: 'PUT', body });
    } catch (error) {
      const rest = [];
      for (const [field, reasons] of Object.entries(error.errors || {})) {
        const text = reasons.join(' ');
        if (field === 'opens') showFieldError(opens, opensError, `Eerste stemdag: ${text}`);
        else if (field.startsWith('proposals')) showFieldError(checks[0].box, proposalsError, `Voorstellen: ${text}`);
        else rest.push(`${field}: ${text}`);
      }
      if (!Object.keys(error.errors || {}).length || rest.length) status.replaceChildren(message('error', [error.message, ...rest].join(' ')));
      return;
    }
    location.reload();
  });
  return form;
}

/** A new code for one member (their earlier code stops working), as a printable letter. */
function reissueForm(base, meeting) {
  const key = meeting.id.replace(/[^a-z0-9-]/gi, '');
  const member = h('input', { id: `reissue-${key}`, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `reissue-${key}-error` });
  const error = fieldError(`reissue-${key}-error`);
  const status = h('p', { role: 'status', id: `reissue-${key}-status` });
  const form = h('form', { class: 'online-reissue', 'data-online-reissue': meeting.id, novalidate: true },
    h('div', { class: 'fields' },
      h('div', {}, h('label', { for: member.id }, 'Lidnummer (nieuwe stemcode voor één lid)'), member, error)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'secondary' }, 'Code opnieuw uitgeven (brief)')),
    status);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    status.textContent = '';
    showFieldError(member, error, '');
    const number = member.value.trim();
    if (!number) { showFieldError(member, error, 'Lidnummer: vul het lidnummer in, bijv. KWG-0007.'); member.focus(); return; }
    if (!confirm(`Lid ${number} krijgt een nieuwe stemcode; de vorige code van dit lid werkt dan niet meer. Doorgaan?`)) return;
    const response = await fetch(`${base}/codes?format=letters`, {
      method: 'POST', headers: { Authorization: 'Bearer ' + storedToken(), 'Content-Type': 'application/json' }, body: JSON.stringify({ members: [number] }),
    });
    if (!response.ok) {
      let problem = null;
      try { problem = await response.json(); } catch { /* not JSON */ }
      const reasons = problem && problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
      showFieldError(member, error, `Lidnummer: ${reasons || (problem && problem.detail) || 'een nieuwe code uitgeven lukte niet.'}`);
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: `stembrief-${number}.html` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    status.textContent = `Nieuwe stemcode voor lid ${number} uitgegeven; de brief is gedownload. De vorige code werkt niet meer.` + warningOf(response);
    member.value = '';
  });
  return form;
}

async function closeOnline(base, status) {
  if (!confirm('Online stemming sluiten? Alle stemcodes verlopen; leden kunnen daarna alleen nog op de vergadering stemmen.')) return;
  try {
    await api(`${base}/close`, { method: 'POST', body: {} });
  } catch (e) {
    status.textContent = (e.problem && e.problem.detail) || 'Sluiten lukte niet.';
    return;
  }
  location.reload();
}

/** One member's category in a register row (singular; the counts above use the plural). */
const categoryName = { EigenaarBewoner: 'Eigenaar-bewoner', Huurder: 'Huurder', Bedrijf: 'Bedrijf', Overig: 'Overig' };

/**
 * The register itself, for the cooperative's own board and admins only, folded until opened. As
 * `warmte members` shows it (tester A3, A4): an erased member (AVG) as "(gewist)" with address "—";
 * the house number as the API writes it (houseNumberText: "9A-2", the huisletter kept); on the
 * register's date (`on`, the service's today) a member who left has no voting right, "— (oud-lid)",
 * and one who has not joined yet "— (nog geen lid)", whatever the statutes' flag eligibleToVote says.
 */
function registerView(register, on) {
  // Never broken inside a postcode or an address ("1073 / AB / 14-H" at 390 px, tester T8.9): the table scrolls instead.
  // Street and town when the register has them (tester6 T8): "Wibautstraat 14-H, 1091 GM Amsterdam".
  const address = m => (m.address ? h('span', { class: 'nowrap member-address' }, m.street
    ? `${m.street} ${m.address.houseNumberText || m.address.huisnummer}, ${m.address.postcode}${m.town ? ' ' + m.town : ''}`
    : `${m.address.postcode} ${m.address.houseNumberText || m.address.huisnummer}${m.town ? ' ' + m.town : ''}`) : '—');
  // The heading counts current members; former members (left on or before the register's date) are named apart (T8.9).
  const former = register.filter(m => m.leftOn && on && m.leftOn <= on).length;
  const current = register.length - former;
  const votingRight = m => (m.leftOn && on && m.leftOn <= on ? '— (oud-lid)'
    : m.joinedOn && on && m.joinedOn > on ? '— (nog geen lid)'
      : (m.eligibleToVote ? 'ja' : 'nee'));
  return h('details', { id: 'member-register' },
    h('summary', {}, `Ledenregister (${plural(current, 'lid', 'leden')}${former ? `, ${plural(former, 'oud-lid', 'oud-leden')}` : ''}; persoonsgegevens, alleen voor het bestuur)`),
    table('Ledenregister', [
      { label: 'Lidnummer', value: m => m.number, rowHeader: true },
      { label: 'Naam', value: m => m.name },
      { label: 'Categorie', value: m => categoryName[m.category] || m.category },
      { label: 'Adres', value: address },
      { label: 'Lid sinds', value: m => date(m.joinedOn) },
      { label: 'Uitgeschreven', value: m => (m.leftOn ? date(m.leftOn) : '') },
      { label: 'Stemrecht', value: votingRight },
    ], register, { id: 'member-register-table' }));
}

/** A share as people read it: 1/2, 2/3, 70%, 66,67%; "geen" for zero. */
function shareText(share) {
  const { numerator: n, denominator: d } = share;
  if (n === 0) return 'geen';
  if (d >= 100 && /^10+$/.test(String(d))) return `${number((n * 100) / d, 2)}%`;
  return `${n}/${d}`;
}

function ruleText(rule) {
  const parts = [
    `${rule.majorityRule === 'AtLeast' ? 'minstens' : 'meer dan'} ${shareText(rule.majority)} van de uitgebrachte stemmen voor`,
    rule.abstentionsCount ? 'onthoudingen tellen mee in de noemer' : 'onthoudingen tellen niet mee',
    rule.weighting === 'PerWoningequivalent' ? 'stemmen gewogen per woningequivalent' : 'één lid, één stem',
    rule.quorum.numerator === 0 ? 'geen quorum' : `quorum ${shareText(rule.quorum)} van de stemgerechtigde leden${rule.secondMeetingWithoutQuorum ? ' (vervalt in een tweede vergadering)' : ''}`,
    `hoogstens ${rule.maxProxiesPerAttendee} ${rule.maxProxiesPerAttendee === 1 ? 'volmacht' : 'volmachten'} per aanwezige`,
    `oproeping minstens ${rule.minimumNoticeDays} dagen vooraf`,
  ];
  return parts.join('; ');
}

/** The quorum in one sentence: what the rule asks of the eligible members and what the meeting had. */
function quorumText(result) {
  const present = `${number(result.presentOrRepresented)} van ${number(result.eligibleMembers)} stemgerechtigde leden aanwezig of vertegenwoordigd`
    + (result.represented ? ` (${number(result.represented)} met volmacht)` : '');
  const q = result.rule.quorum;
  if (q.numerator === 0) return `Quorum: de statuten vragen geen quorum. ${present}.`;
  // The smallest whole number of members that meets "at least the quorum share" (exact integers).
  const needed = Math.floor((result.eligibleMembers * q.numerator + q.denominator - 1) / q.denominator);
  const state = result.quorumMet ? 'gehaald' : result.quorumWaived ? 'niet gehaald, maar vervalt (tweede vergadering)' : 'niet gehaald';
  return `Quorum: ${shareText(q)} van ${number(result.eligibleMembers)} stemgerechtigde leden, dus minstens ${number(needed)}; ${present}: ${state}.`;
}

function alv(meetings, project) {
  if (!meetings.length) return h('p', { id: 'alv' }, 'Er zijn nog geen ALV-vergaderingen vastgelegd.');
  // Which closed proposals a later closed correction replaced.
  const replacedBy = new Map();
  for (const m of meetings) for (const p of m.proposals) if (p.corrects && p.isClosed) replacedBy.set(p.corrects, `${m.id}/${p.id}`);
  const sorted = [...meetings].sort((a, b) => b.date.localeCompare(a.date));
  return h('div', { id: 'alv' }, sorted.map(m => h('article', { class: 'meeting', 'data-meeting': m.id },
    h('h3', {}, `ALV van ${date(m.date)}: ${m.title}`),
    h('p', { class: 'muted' }, `Opgeroepen op ${date(m.noticeDate)}`, m.secondMeetingOf ? ` · tweede vergadering na ${m.secondMeetingOf}` : '',
      ` · ${m.proposals.length} ${m.proposals.length === 1 ? 'voorstel' : 'voorstellen'}`),
    m.proposals.map(p => proposal(m, p, project, replacedBy)))));
}

function proposal(meeting, p, project, replacedBy) {
  const key = `${meeting.id}/${p.id}`;
  const about = p.projectId ? (p.projectId === project.id ? 'over dit project' : `over project ${p.projectId}`) : 'niet aan een project gebonden';
  const head = h('h4', {}, `${p.title} `, h('span', { class: 'muted' }, `(${decisionTypeNames[p.decisionType] || p.decisionType}, ${about})`));
  const extra = [];
  if (p.corrects) extra.push(h('p', {}, `Correctie van ${p.corrects}: ${p.correctionReason || ''}`));
  if (replacedBy.has(key)) extra.push(message('warning', `Vervangen door de correctie ${replacedBy.get(key)}; dit besluit geldt niet meer.`));
  if (!p.isClosed) {
    // A recorded paper count is sealed until closing, but it is there: not "0 stemmen" (tester T8.1).
    const counts = p.tallyCounts ? `${number(p.tallyCounts.for)} voor, ${number(p.tallyCounts.against)} tegen, ${plural(p.tallyCounts.abstain, 'onthouding', 'onthoudingen')} (telling)`
      : p.tallyRecorded ? `de telling van de papieren stemming is vastgelegd (verzegeld tot het sluiten)${p.ballotCount > 0 ? `, daarnaast ${plural(p.ballotCount, 'stem', 'stemmen')} per lid` : ''}`
      : `${plural(p.ballotCount, 'stem', 'stemmen')} uitgebracht`;
    return h('div', { class: 'proposal panel', 'data-proposal': key }, head, ...extra,
      h('p', {}, h('span', { class: 'badge Open' }, 'Nog niet gesloten'), ` Tot nu toe: ${counts}. De uitslag staat vast zodra het voorstel gesloten is.`),
      h('p', {}, `Regel uit de statuten: ${ruleText(p.rule)}.`));
  }
  const r = p.result;
  return h('div', { class: 'proposal panel', 'data-proposal': key }, head, ...extra,
    h('p', { class: 'outcome' }, 'Uitslag: ', h('strong', { class: `badge outcome-${r.outcome}`, 'data-outcome': r.outcome }, outcomeNames[r.outcome] || r.outcome)),
    kpis([
      ['Voor', number(r.for), { 'data-count': 'for' }],
      ['Tegen', number(r.against), { 'data-count': 'against' }],
      ['Onthouding', number(r.abstain), { 'data-count': 'abstain' }],
      ['Percentage voor', percent(r.forPercent / 100), { 'data-count': 'for-percent' }],
    ]),
    h('p', {}, `${number(r.for)} voor van ${number(r.denominator)} ${r.rule.abstentionsCount ? 'stemmen (met onthoudingen)' : 'uitgebrachte stemmen voor of tegen'}; ${p.mode === 'Tally' ? 'geteld op papier (telling)' : 'stembiljetten per lid'}.`),
    h('p', { class: 'rule' }, `Regel uit de statuten: ${ruleText(r.rule)}.`),
    h('p', { class: 'quorum' }, quorumText(r)),
    // Decided below the law (review2 F10): the board must see it to correct it.
    p.lawNote ? h('p', { class: 'message warning law-note', role: 'status', 'data-law-note': '' }, `Let op: ${p.lawNote}`) : null,
    h('p', { class: 'muted' }, `Gesloten door ${p.closedBy}.`));
}

function statuteTable(statutes) {
  const rows = [{ type: 'Standaard (alle andere besluiten)', rule: statutes.default },
    ...statutes.overrides.map(o => ({ type: decisionTypeNames[o.type] || o.type, rule: o.rule }))];
  return h('details', {}, h('summary', {}, 'Besluitregels in de statuten'),
    table('Besluitregels per soort besluit', [
      { label: 'Soort besluit', value: x => x.type, rowHeader: true },
      { label: 'Meerderheid', value: x => `${x.rule.majorityRule === 'AtLeast' ? 'minstens' : 'meer dan'} ${shareText(x.rule.majority)}` },
      { label: 'Quorum', value: x => shareText(x.rule.quorum) },
      { label: 'Onthoudingen', value: x => (x.rule.abstentionsCount ? 'tellen mee' : 'tellen niet mee') },
      { label: 'Weging', value: x => (x.rule.weighting === 'PerWoningequivalent' ? 'per woningequivalent' : 'één lid, één stem') },
      { label: 'Volmachten per aanwezige', value: x => number(x.rule.maxProxiesPerAttendee), numeric: true },
      { label: 'Oproeptermijn (dagen)', value: x => number(x.rule.minimumNoticeDays), numeric: true },
    ], rows, { id: 'statutes' }));
}

/** One complex as a horizontal bar: agreed, refused, no answer, with the threshold as a line. */
function consentBar(c) {
  const width = 600;
  const height = 64;
  const barTop = 22;
  const barHeight = 26;
  const total = Math.max(c.rentedHomes, 1);
  const x = n => (n / total) * width;
  const threshold = c.threshold.numerator / c.threshold.denominator;
  const thresholdText = shareText(c.threshold);
  const s = (tag, attributes, ...children) => {
    const element = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
    for (const child of children.filter(c => c !== null && c !== undefined)) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return element;
  };
  const titleId = `bar-title-${c.id}`;
  const descId = `bar-desc-${c.id}`;
  const segment = (from, count, cls, label) => (count > 0
    ? s('rect', { x: x(from), y: barTop, width: x(count), height: barHeight, class: `consent-${cls}`, 'data-kind': cls }, s('title', {}, `${label}: ${number(count)}`))
    : null);
  const tx = Math.min(Math.max(threshold * width, 1), width - 1);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'consent-bar', role: 'img', 'aria-labelledby': `${titleId} ${descId}`, 'data-complex': c.id },
    s('title', { id: titleId }, `Instemming ${c.name}`),
    s('desc', { id: descId }, `${number(c.agreed)} van ${number(c.rentedHomes)} huishoudens akkoord (${percent(c.agreedPercent / 100)}), ${number(c.refused)} geweigerd, ${number(c.noResponse)} zonder antwoord. Drempel ${thresholdText}: ${number(c.required)} akkoord nodig, ${c.reached ? 'gehaald' : 'nog niet gehaald'}.`),
    s('rect', { x: 0, y: barTop, width, height: barHeight, class: 'consent-none', 'data-kind': 'none' }, s('title', {}, `Geen antwoord: ${number(c.noResponse)}`)),
    segment(0, c.agreed, 'agreed', 'Akkoord'),
    segment(c.agreed, c.refused, 'refused', 'Geweigerd'),
    s('line', { x1: tx, x2: tx, y1: 14, y2: barTop + barHeight + 6, class: 'consent-threshold', 'data-kind': 'threshold', 'data-value': String(threshold) }),
    s('text', { x: tx, y: 11, 'text-anchor': tx > width - 80 ? 'end' : 'middle', class: 'consent-threshold-label' }, `drempel ${thresholdText}`));
  return h('figure', { class: 'chart-figure' }, svg,
    h('ul', { class: 'legend' },
      h('li', {}, h('span', { class: 'swatch consent-agreed' }), ` Akkoord ${number(c.agreed)}`),
      h('li', {}, h('span', { class: 'swatch consent-refused' }), ` Geweigerd ${number(c.refused)}`),
      h('li', {}, h('span', { class: 'swatch consent-none' }), ` Geen antwoord ${number(c.noResponse)}`),
      h('li', {}, h('span', { class: 'swatch consent-threshold' }), ` Drempel ${thresholdText} (${number(c.required)} akkoord nodig)`)));
}

function consentView(consent) {
  if (consent.notApplicableReason) {
    return h('p', { id: 'consent' }, `Niet van toepassing: ${consent.notApplicableReason}`);
  }
  if (!consent.complexes.length) {
    return h('div', { id: 'consent' }, message('warning', 'Nog geen complexen met huurwoningen vastgelegd. De poort naar Realisatie vraagt minstens één complex met genoeg instemming, of de verklaring dat het project geen huurwoningen aansluit.'));
  }
  const complexes = consent.complexes.map(c => h('article', { class: 'complex', 'data-complex': c.id },
    h('h3', {}, `${c.name} (${c.corporation})`),
    h('p', { class: 'consent-state' }, h('strong', { class: c.reached ? 'met' : 'unmet', 'data-reached': String(c.reached), 'data-reached-on': c.reachedOn || '' }, c.reached ? (c.reachedOn ? `✓ Drempel gehaald op ${date(c.reachedOn)}` : '✓ Drempel gehaald') : '✗ Drempel nog niet gehaald'),
      `: ${number(c.agreed)} van ${number(c.rentedHomes)} huishoudens akkoord (${percent(c.agreedPercent / 100)}); ${number(c.required)} nodig voor de drempel van ${shareText(c.threshold)}. Geen antwoord telt als niet akkoord.`),
    // Judged otherwise than stored (the law's 70%, or every tenant in a small complex): review2 F10.
    c.note ? h('p', { class: 'message warning consent-note', role: 'status', 'data-consent-note': '' }, `Let op: ${c.note}`) : null,
    consentBar(c),
    kpis([
      ['Huurwoningen', number(c.rentedHomes)],
      ['Akkoord', number(c.agreed), { 'data-count': 'agreed' }],
      ['Geweigerd', number(c.refused), { 'data-count': 'refused' }],
      ['Geen antwoord', number(c.noResponse), { 'data-count': 'no-response' }],
      ['Nodig (drempel)', `${number(c.required)} (${shareText(c.threshold)})`, { 'data-count': 'required' }],
      ['Voorstel verstuurd', date(c.proposalDate)],
      ['Bezwaartermijn tot', date(c.objectionPeriodEnds)],
      ['Uiterste datum', date(c.deadline)],
    ]),
    h('p', { class: 'forecast' }, `Prognose: ${c.forecast.explanation}`,
      c.forecast.agreementsPerWeek !== null && c.forecast.agreementsPerWeek !== undefined ? ` Tempo: ${number(c.forecast.agreementsPerWeek)} instemmingen per week.` : '',
      c.forecast.expectedOn ? ` Drempel verwacht op ${date(c.forecast.expectedOn)}${c.forecast.beforeDeadline ? ', vóór de uiterste datum' : ', ná de uiterste datum'}.` : '')));
  const total = h('div', { class: 'panel', id: 'consent-total' },
    h('h3', {}, 'Project totaal'),
    h('p', {}, `${number(consent.agreed)} van ${number(consent.rentedHomes)} huurwoningen akkoord (${percent(consent.agreedPercent / 100)}) in ${consent.complexes.length} ${consent.complexes.length === 1 ? 'complex' : 'complexen'}. `,
      h('strong', { class: consent.allReached ? 'met' : 'unmet' }, consent.allReached ? 'Alle complexen hebben hun drempel gehaald.' : 'Nog niet alle complexen hebben hun drempel gehaald.'),
      ' De drempel geldt per complex, niet voor het totaal.'));
  return h('div', { id: 'consent' }, complexes, total);
}

function wcwView(wcw) {
  return h('div', { id: 'wcw' },
    kpis([
      ['Route', routeNames[wcw.route] || wcw.route, { class: wcw.route === 'Geen' ? 'kpi bad' : 'kpi good', 'data-route': wcw.route }],
      ['Aansluitingen', number(wcw.connections)],
    ]),
    h('p', { id: 'wcw-size' }, `Grootteklasse ${sizeBandNames[wcw.sizeBand] || wcw.sizeBand}.`),
    wcw.missing.length
      ? h('div', {}, h('h3', {}, 'Wat ontbreekt nog'), h('ul', { id: 'wcw-missing' }, wcw.missing.map(m => h('li', {}, m))))
      : h('p', {}, 'Er ontbreekt niets voor deze route.'),
    wcw.notes.length ? h('div', {}, h('h3', {}, 'Opmerkingen'), h('ul', {}, wcw.notes.map(n => h('li', {}, n)))) : null,
    h('p', { class: 'muted' }, `Bron van de drempels: ${wcw.source}`));
}

function memberView(summary) {
  if (!summary.members && !summary.formerMembers) {
    return h('p', { id: 'members' }, 'Er zijn nog geen leden geregistreerd.');
  }
  return h('div', { id: 'members' },
    h('p', {}, `Stand op ${date(summary.on)}.`),
    kpis([
      ['Leden', number(summary.members), { 'data-count': 'members' }],
      ['Stemgerechtigd', number(summary.eligibleToVote), { 'data-count': 'eligible' }],
      ['Woningequivalenten', number(summary.woningequivalenten)],
      ['Oud-leden', number(summary.formerMembers)],
    ]),
    table('Leden per categorie', [
      { label: 'Categorie', value: c => categoryNames[c.category] || c.category, rowHeader: true },
      { label: 'Leden', value: c => number(c.members), numeric: true },
      { label: 'Woningequivalenten', value: c => number(c.woningequivalenten), numeric: true },
    ], summary.byCategory, { id: 'member-categories' }),
    h('p', { class: 'muted' }, 'Namen en adressen van leden ziet alleen het bestuur van de coöperatie (hieronder, ingeklapt). Het bestuur leest de ledenlijst in met het opdrachtregelprogramma warmte: warmte import members <coöperatie> <ledenlijst.xlsx>; warmte members toont het register.'));
}
