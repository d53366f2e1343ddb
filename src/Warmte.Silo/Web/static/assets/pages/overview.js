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
    projects.length ? projects.map(projectLinks)
      : h('p', {}, 'Nog geen project.' + (isOwn ? ` Het bestuur maakt het eerste aan met het opdrachtregelprogramma warmte: warmte project create ${cooperative.id} --id <project> --name "<naam>".` : '')));

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
    // An empty service says how to start (tester9a T7): the dashboard shows and does not create, so it names the commands.
    if (!cooperatives.length) main.append(startHere(caller));
    main.append(h('ul', { class: 'cards' }, cooperatives.map(c => card(c, false))));
  }
});

/** How to start on an empty service: the steps with the command-line program warmte, which the dashboard does not replace. */
function startHere(caller) {
  const admin = caller.role === 'admin';
  return h('div', { id: 'start-here', class: 'message info' },
    h('p', {}, admin
      ? 'Er zijn nog geen coöperaties. Zo begint u, met het opdrachtregelprogramma warmte (warmte --help toont alle opdrachten):'
      : 'Er zijn nog geen coöperaties. Een beheerder maakt ze aan met het opdrachtregelprogramma warmte:'),
    h('ol', {},
      h('li', {}, h('code', {}, 'warmte cooperative create --id zuidwarmte --name "Coöperatie Zuidwarmte U.A." --kind warmtenet --municipality Amsterdam'), ' (beheerder)'),
      h('li', {}, 'een token voor het bestuur, op de server: ', h('code', {}, 'Warmte.Silo token create --role board:zuidwarmte --name "Bestuur Zuidwarmte"')),
      h('li', {}, h('code', {}, 'warmte project create zuidwarmte --id warmtenet-zuid --name "Warmtenet Zuid" --woningequivalenten 600'), ' (bestuur)'),
      h('li', {}, h('code', {}, 'warmte project deliverable warmtenet-zuid bewonersgroep --on 2024-03-01'), ' en de andere stukken van de poortchecklist; daarna ', h('code', {}, 'warmte project advance warmtenet-zuid --by ALV --rationale "…"'))));
}
