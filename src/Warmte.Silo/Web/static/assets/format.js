// Dutch (nl-NL) formatting, matching the service's DutchFormat: € 7.800.000,00 · 14-12-2024 · 03-2027.
const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];
const SHORT_MONTHS = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];

const cache = new Map();
function numberFormat(min, max) {
  const key = `${min}/${max}`;
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat('nl-NL', { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: true }));
  return cache.get(key);
}

const dash = '–';

// A non-breaking space after the euro sign, as nl-NL currency formatting has it: "€" and the amount stay on one
// line on a phone (tester A8: the portfolio tiles showed "€" on one line and "7.700.000,00" on the next).
const EURO = '€\u00A0';

/** € 7.800.000,00 (cents shown unless wholeEuros); the space after € does not break. */
export function euro(value, { wholeEuros = false } = {}) {
  if (value === null || value === undefined) return dash;
  const digits = wholeEuros ? 0 : 2;
  return EURO + numberFormat(digits, digits).format(value);
}

/** Short amounts for chart axes: € 1,2 mln, € 850k (non-breaking spaces). */
export function euroShort(value) {
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return EURO + numberFormat(0, 1).format(value / 1_000_000) + '\u00A0mln';
  if (abs >= 1_000) return EURO + numberFormat(0, 0).format(value / 1_000) + 'k';
  return EURO + numberFormat(0, 0).format(value);
}

export function number(value, maxDecimals = 2) {
  return value === null || value === undefined ? dash : numberFormat(0, maxDecimals).format(value);
}

/** A ratio such as a DSCR: always two decimals (1,87). */
export function ratio(value) {
  return value === null || value === undefined ? dash : numberFormat(2, 2).format(value);
}

/** A fraction as a percentage: 0.0609 → 6,09%. Half away from zero like the CLI: 0.5125 → 51,3% with one decimal. */
export function percent(fraction, decimals = 2) {
  if (fraction === null || fraction === undefined) return dash;
  // 0.5125 * 100 is 51.24999… in binary floating point; 12 significant digits drop that noise before
  // Intl rounds half away from zero (its default), so 51,25 becomes 51,3 as in the CLI (tester F18).
  return numberFormat(decimals, decimals).format(Number((fraction * 100).toPrecision(12))) + '%';
}

/** A count with its noun, singular for 1: 1 coöperatie, 3 coöperaties (nl-NL digits). */
export function plural(count, singular, pluralForm) {
  return `${number(count)} ${count === 1 ? singular : pluralForm}`;
}

/** ISO date 2024-12-14 → 14-12-2024. */
export function date(iso) {
  if (!iso) return dash;
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}-${m}-${y}`;
}

/** ISO instant → 14-12-2024 15:04 in Amsterdam time. */
export function instant(iso) {
  if (!iso) return dash;
  const parts = new Intl.DateTimeFormat('nl-NL', {
    timeZone: 'Europe/Amsterdam', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
  }).formatToParts(new Date(iso));
  const p = Object.fromEntries(parts.map(x => [x.type, x.value]));
  return `${p.day}-${p.month}-${p.year} ${p.hour}:${p.minute}`;
}

/** Month 2027-03 → 03-2027. */
export function month(ym) {
  if (!ym) return dash;
  const [y, m] = ym.split('-');
  return `${m}-${y}`;
}

/** Month 2027-03 → maart 2027 (for sentences). */
export function monthWords(ym) {
  if (!ym) return dash;
  const [y, m] = ym.split('-');
  return `${MONTHS[Number(m) - 1]} ${y}`;
}

/** Month 2027-03 → mrt 2027 (for chart axes). */
export function monthShort(ym) {
  const [y, m] = ym.split('-');
  return `${SHORT_MONTHS[Number(m) - 1]} ${y}`;
}

/** Parses a date typed the Dutch way (14-12-2024, also 14-12-2024 with / or .) into ISO 2024-12-14; null if it is not a real date. */
export function parseDutchDate(text) {
  const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(String(text).trim());
  if (!m) return null;
  const [day, monthNumber, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, monthNumber - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== monthNumber - 1 || check.getUTCDate() !== day) return null;
  return `${year}-${String(monthNumber).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Parses a Dutch or English decimal typed by a person: "3,5" or "3.5"; NaN if it is not one. */
export function parseDecimal(text) {
  const t = String(text).trim().replace(/\s/g, '');
  if (!/^-?\d+([.,]\d+)?$/.test(t)) return NaN;
  return Number(t.replace(',', '.'));
}

export const phaseNames = {
  Initiatief: 'Initiatief', Haalbaarheid: 'Haalbaarheid', Ontwikkeling: 'Ontwikkeling', Realisatie: 'Realisatie', Beheer: 'Beheer', Gestopt: 'Gestopt',
};

export const kindNames = {
  HeatNetwork: 'Warmtenet', LocalGeneration: 'Lokale opwek', CityWideGeneration: 'Stadsbrede opwek', Communication: 'Communicatie en gedrag',
};

export const regimeNames = {
  Tranches: 'Tranches na verantwoording', Milestones: 'Voorfinanciering per fase (mijlpalen)', Bridge: 'Overbruggingslening',
};

export const severityNames = { High: 'Hoog', Medium: 'Middel', Low: 'Laag' };

export const repaymentNames = { Annuity: 'Annuïteit', Linear: 'Lineair', Bullet: 'Ineens aan het eind (bullet)' };
