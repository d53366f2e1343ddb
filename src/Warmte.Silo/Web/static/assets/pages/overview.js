// Start page: the cooperatives and their projects. A board sees its own cooperative first and
// in full (with its audit trail); the other roles see all cooperatives side by side.
import { api } from '../api.js';
import { date, instant, kindNames, plural } from '../format.js';
import { boardOf, h, message, run, section, startPage, table } from '../layout.js';

run(async () => {
  const { caller, main, setTitle } = await startPage({ title: 'Overzicht', section: 'overview' });
  const cooperatives = await api('/api/cooperatives');
  const own = boardOf(caller);

  const projectLinks = p => h('ul', {},
    h('li', {}, h('a', { href: `/app/project?id=${p.id}` }, `${p.name}`), ` – ${p.phase}, ${plural(p.monthsInPhase, 'maand', 'maanden')} in deze fase`),
    h('li', {}, h('a', { href: `/app/cashflow?id=${p.id}` }, 'Kaspositie'), ' · ', h('a', { href: `/app/business-case?id=${p.id}` }, 'Business case')));

  const card = ({ cooperative, projects }, isOwn) => h('li', { class: isOwn ? 'own' : null, 'data-cooperative': cooperative.id },
    h('h3', {}, cooperative.statutoryName),
    h('p', { class: 'muted' }, `${kindNames[cooperative.kind] || cooperative.kind} · ${cooperative.municipality} · opgericht ${date(cooperative.foundedOn)}`),
    projects.length ? projects.map(projectLinks) : h('p', {}, 'Nog geen project.'));

  if (own) {
    const mine = cooperatives.find(c => c.cooperative.id === own);
    setTitle(mine ? mine.cooperative.statutoryName : 'Onze coöperatie');
    if (!mine) {
      main.append(message('warning', `Uw token hoort bij coöperatie '${own}', maar die bestaat (nog) niet.`));
    } else {
      main.append(h('p', { class: 'lead' }, 'U bent aangemeld als bestuur van deze coöperatie: u ziet en wijzigt haar projecten. Andere coöperaties kunt u alleen bekijken.'));
      main.append(h('ul', { class: 'cards' }, card(mine, true)));
      const audit = await api(`/api/cooperatives/${own}/audit?pageSize=10`);
      main.append(section('Laatste wijzigingen',
        table('Laatste 10 wijzigingen in de coöperatie', [
          { label: 'Wanneer', value: e => instant(e.at) },
          { label: 'Wie', value: e => e.actor },
          { label: 'Wat', value: e => e.summary || e.action || '' },
        ], audit.entries || audit.items || [])));
    }
    const others = cooperatives.filter(c => c.cooperative.id !== own);
    main.append(section('Andere coöperaties (alleen lezen)', h('ul', { class: 'cards' }, others.map(c => card(c, false)))));
  } else {
    main.append(h('p', { class: 'lead' }, `${plural(cooperatives.length, 'coöperatie', 'coöperaties')} met ${plural(cooperatives.reduce((n, c) => n + c.projects.length, 0), 'project', 'projecten')}.`));
    main.append(h('ul', { class: 'cards' }, cooperatives.map(c => card(c, false))));
  }
});
