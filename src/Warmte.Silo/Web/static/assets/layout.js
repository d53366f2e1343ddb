// What every dashboard page shares: who is signed in, the navigation, headings, messages.
import { api, ApiError, signOut, storedToken } from './api.js';

/** Creates an element: h('a', { href: '/x', class: 'btn' }, 'tekst', child). Text is always text, never HTML. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const roleNames = { admin: 'beheerder', financier: 'financier', coordinator: 'coördinator', reader: 'lezer' };

export function roleText(role) {
  if (role.startsWith('board:')) return `bestuur van ${role.slice('board:'.length)}`;
  if (role.startsWith('financier:')) return `financier (${role.slice('financier:'.length)})`;
  return roleNames[role] || role;
}

/** The cooperative a board token belongs to, or null for other roles. */
export function boardOf(caller) {
  return caller.role.startsWith('board:') ? caller.role.slice('board:'.length) : null;
}

/** Whether the signed-in token may change this cooperative (the API decides again on every write). */
export function canWrite(caller, cooperativeId) {
  return caller.role === 'admin' || caller.role === 'board:' + cooperativeId;
}

/** A financier for all funders, or for one (financier:<id>). */
export function isFinancier(role) {
  return role === 'financier' || role.startsWith('financier:');
}

/** Where a role starts after signing in. */
export function homeFor(role) {
  if (isFinancier(role)) return '/app/portfolio';
  if (role === 'coordinator') return '/app/umbrella';
  return '/app/';
}

/**
 * Starts a page: checks the sign-in, draws the header and navigation, and returns who is signed
 * in and the main element with its heading. Any error while loading is shown in the page.
 */
export async function startPage({ title, section }) {
  document.title = `${title} – Warmtenet`;
  const main = document.getElementById('main');
  if (!storedToken()) {
    location.assign('/?terug=' + encodeURIComponent(location.pathname + location.search));
    throw new Error('not signed in');
  }
  const status = await api('/api/status');
  const caller = status.caller;
  drawHeader(caller, section);
  main.replaceChildren(h('h1', { id: 'page-title' }, title));
  return { caller, today: status.today, main, setTitle: text => { document.getElementById('page-title').textContent = text; document.title = `${text} – Warmtenet`; } };
}

function drawHeader(caller, section) {
  const header = document.getElementById('site-header');
  const link = (href, text, key) => h('li', {}, h('a', { href, 'aria-current': section === key ? 'page' : null }, text));
  const board = boardOf(caller);
  header.replaceChildren(
    h('div', { class: 'brand' }, h('a', { href: '/app/' }, 'Warmtenet')),
    h('nav', { 'aria-label': 'Hoofdmenu' },
      h('ul', {},
        link('/app/', board ? 'Onze coöperatie' : 'Overzicht', 'overview'),
        link('/app/umbrella', 'Vergelijking', 'umbrella'),
        link('/app/portfolio', 'Portefeuille', 'portfolio'))),
    h('div', { class: 'who' },
      h('span', { id: 'signed-in-as' }, `Aangemeld als ${caller.name} (${roleText(caller.role)})`),
      h('button', { type: 'button', class: 'link-button', onclick: () => { signOut(); location.assign('/'); } }, 'Afmelden')));
}

/** The tabs of one project: project, cash position, business case, votes and consent. */
export function projectTabs(projectId, active) {
  const tab = (href, text, key) => h('li', {}, h('a', { href: `${href}?id=${encodeURIComponent(projectId)}`, 'aria-current': active === key ? 'page' : null }, text));
  return h('nav', { class: 'tabs', 'aria-label': 'Onderdelen van het project' },
    h('ul', {},
      tab('/app/project', 'Project', 'project'),
      tab('/app/cashflow', 'Kaspositie', 'cashflow'),
      tab('/app/business-case', 'Business case', 'business-case'),
      tab('/app/decisions', 'Stemmingen en instemming', 'decisions')));
}

/** A section with a heading. */
export function section(title, ...children) {
  const id = 'sec-' + title.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '-');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** A message in the page; errors are announced to screen readers. */
export function message(kind, text) {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function showError(main, error) {
  const text = error?.problem?.title && error.message !== error.problem.title ? `${error.problem.title}: ${error.message}` : (error?.message || String(error));
  main.append(message('error', text));
}

/** A table from rows: columns are { label, value(row) → text or node, numeric? }. */
/** Cell texts kept on one line: 06-12-2026, 12-2026, € 1.234,56 (also negative, with "t/m" ranges of dates). */
const WHOLE = /^(?:\d{2}-)?\d{2}-\d{4}(?: t\/m (?:\d{2}-)?\d{2}-\d{4})?$|^-?€\s?-?[\d.,]+$/;

/**
 * The frame of a table that may be wider than the screen: it scrolls sideways, and when it does (papercut o: on a
 * phone wide tables were cut off without a hint) it says so above the table and shades the edges where columns are
 * hidden. Whether it scrolls is measured, again whenever the frame or the table changes size.
 */
export function scrollFrame(label, tableElement) {
  const hint = h('p', { class: 'scroll-hint', 'aria-hidden': 'true' }, 'Breder dan het scherm: schuif de tabel opzij voor meer kolommen →');
  const frame = h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, hint, tableElement);
  const measure = () => {
    const scrolls = frame.scrollWidth > frame.clientWidth + 1;
    frame.classList.toggle('scrolls', scrolls);
    const atEnd = scrolls && frame.scrollLeft + frame.clientWidth >= frame.scrollWidth - 1;
    frame.classList.toggle('at-end', atEnd);
    hint.textContent = atEnd ? '← Breder dan het scherm: schuif terug voor de eerste kolommen' : 'Breder dan het scherm: schuif de tabel opzij voor meer kolommen →';
  };
  if (typeof ResizeObserver === 'function') {
    const observer = new ResizeObserver(measure);
    observer.observe(frame);
    observer.observe(tableElement);
  }
  frame.addEventListener('scroll', measure, { passive: true });
  requestAnimationFrame(measure);
  return frame;
}

// A date (14-12-2026) or month (12-2026) inside running text, such as a signal's message (tester7 T12).
const DATE_IN_TEXT = /(\b(?:\d{2}-)?\d{2}-\d{4}\b)/;

/** Text with its dates and months kept whole (never broken at their hyphens on a phone); the text itself unchanged. */
export function datesWhole(text) {
  if (!DATE_IN_TEXT.test(text)) return text;
  return text.split(DATE_IN_TEXT).map((part, i) => (i % 2 === 1 ? h('span', { class: 'nowrap' }, part) : part)).filter(part => part !== '');
}

export function table(caption, columns, rows, { id } = {}) {
  return scrollFrame(caption,
    h('table', { id },
      h('caption', {}, h('span', { class: 'caption-text' }, caption)),
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { scope: 'col', class: c.numeric ? 'num' : null }, c.label)))),
      h('tbody', {}, rows.map(r => h('tr', {}, columns.map((c, i) => {
        const cell = c.value(r);
        // A date, a month or an amount is never broken at its hyphens or after "€" (tester A8, phone width).
        const whole = typeof cell === 'string' && WHOLE.test(cell);
        return i === 0 && c.rowHeader ? h('th', { scope: 'row' }, cell)
          : h('td', { class: c.numeric ? 'num' : whole ? 'nowrap' : null }, typeof cell === 'string' && !whole ? datesWhole(cell) : cell);
      }))))));
}

/** A list of key figures. */
export function kpis(items, id) {
  return h('dl', { class: 'kpis', id }, items.map(([label, value, attrs]) => h('div', { class: 'kpi', ...(attrs || {}) }, h('dt', {}, label), h('dd', {}, value))));
}

/** Reads ?name= from the address. */
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

/** Runs a page's main function and shows any error in the page instead of a blank screen. */
export function run(main) {
  main().catch(error => {
    if (error?.message === 'not signed in' || error?.status === 401) return;
    const element = document.getElementById('main');
    showError(element, error);
    element.querySelector('.loading')?.remove();
    // A refusal of the API is shown in the page; anything else is a bug worth a console entry too.
    if (!(error instanceof ApiError)) console.error(error);
  });
}
