// The member's voting page (issue 17). The code comes from the link's #fragment (never sent to a
// server in a URL) or is typed; it stays in this page's memory only and goes to the API in POST bodies.
const $ = (id) => document.getElementById(id);
const choices = [["Voor", "Voor"], ["Tegen", "Tegen"], ["Onthouding", "Onthouding"]];
let code = null;
let paper = null;
let chosen = [];

function show(step) {
  for (const s of ["step-code", "step-paper", "step-confirm", "step-done", "step-check"]) $(s).hidden = s !== step;
  const heading = $(step).querySelector("h2");
  heading.tabIndex = -1;
  heading.focus();
}

function error(message) {
  const box = $("error");
  box.textContent = message ?? "";
  box.hidden = !message;
}

// While a vote is being sent again: said politely, gone when the answer comes.
function notice(message) {
  const box = $("notice");
  box.textContent = message ?? "";
  box.hidden = !message;
}

// One submission attempt: 128 random bits, made when the member confirms a set of choices and sent
// with every vote of it, also when a vote is sent again after a lost answer. The server derives the
// receipt from it, so a resent vote gets the receipt of the first one and is counted once.
function newNonce() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
let nonce = null;

// A vote is sent again (same body, same nonce) while the service is briefly unreachable or answers
// 5xx: a silo that stops is declared dead by the others in about 2-3 seconds, one that hangs in up to
// about 25 (docs/operations.md, "Failure detection"), so votes keep trying for RESEND_FOR_MS, at the
// pace the service asks with Retry-After (at most 5 s a wait) or else 0.5, 1, 2, 2, ... seconds.
const RESEND_FOR_MS = 30000;

// A 429 with a short Retry-After (the address is backing off and the service admits a few lookups a
// second, docs/security.md) is asked again after that wait, up to this many times: nothing was looked
// up, so sending it again is safe; a member whose code is valid gets through on a retry.
const BUSY_RETRIES = 2;

// A refusal as one readable sentence (or a few): a conflict's "detail" is a whole sentence (its field
// text repeats it); for invalid input the fields' reasons are the sentences, not the generic
// "De invoer is niet geldig." glued in front of a lower-case fragment (tester A1).
function sentence(text) {
  const t = String(text).trim();
  if (!t) return "";
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function problemText(json) {
  const fields = json?.errors ? [...new Set(Object.values(json.errors).flat().filter(Boolean))] : [];
  if (json?.code === "invalid-input" && fields.length > 0) return fields.map(sentence).join(" ");
  return json?.detail ? sentence(json.detail) : "Er ging iets mis; probeer het opnieuw.";
}

// The error a refused request throws: the sentence, and whether trying the same again cannot help (a 4xx other than 429).
function refusal(response, json) {
  const e = new Error(problemText(json));
  e.status = response.status;
  e.code = json?.code ?? null;
  e.final = response.status >= 400 && response.status < 500 && response.status !== 429;
  return e;
}

async function post(path, body, { resendForMs = 0 } = {}) {
  const started = Date.now();
  let response;
  let busy = 0;
  for (let attempt = 0; ; attempt++) {
    let wait = Math.min(500 * 2 ** attempt, 2000);
    try {
      response = await fetch(path, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
        credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store",
      });
      if (response.status === 429) {
        const asked = Number(response.headers.get("Retry-After"));
        if (!(asked > 0 && asked <= 5) || busy++ >= BUSY_RETRIES) break;
        await new Promise((resolve) => setTimeout(resolve, asked * 1000));
        continue;
      }
      if (response.status < 500) break;
      const asked = Number(response.headers.get("Retry-After"));
      if (asked > 0) wait = Math.min(asked, 5) * 1000;
      if (Date.now() - started + wait > resendForMs) break;
    } catch (e) {
      // The network dropped (the answer may be lost): the same body again, with the same nonce.
      if (Date.now() - started + wait > resendForMs) {
        notice(null);
        throw new Error("Geen verbinding met de server; probeer het opnieuw. Een stem die al is aangekomen telt één keer.");
      }
    }
    if (attempt === 0 && resendForMs > 0) notice("De server is even niet bereikbaar; uw stem wordt opnieuw verstuurd. Een stem telt altijd één keer.");
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  notice(null);
  let json = null;
  try { json = await response.json(); } catch { /* empty */ }
  if (!response.ok) throw refusal(response, json);
  return json;
}

function dutchDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

async function openPaper() {
  error(null);
  try {
    paper = await post("/api/stem/paper", { code });
  } catch (e) {
    error(e.message);
    show("step-code");
    $("code").focus();
    return;
  }
  render();
  show("step-paper");
}

function note(text, className) {
  const p = document.createElement("p");
  if (className) p.className = className;
  p.textContent = text;
  return p;
}

function radios(fieldset, name, proposalId, forMember) {
  for (const [value, text] of choices) {
    const row = document.createElement("div");
    row.className = "choice";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = name;
    input.id = `${name}-${value}`;
    input.value = value;
    input.dataset.proposal = proposalId;
    if (forMember) input.dataset.for = forMember;
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = text;
    row.append(input, label);
    fieldset.append(row);
  }
}

function render() {
  $("title").textContent = `${paper.meetingTitle} – ${paper.cooperativeName}`;
  // Not eligible on the meeting date (written out before it, for instance): said at once, nothing to choose (tester A1).
  const eligible = paper.eligible !== false;
  $("paper-intro").textContent = `${paper.memberName} (lidnummer ${paper.memberNumber}), vergadering op ${dutchDate(paper.meetingDate)}.`
    + (!eligible ? ` ${paper.notEligibleReason}` : paper.open ? " Kies per voorstel Voor, Tegen of Onthouding." : " Online stemmen is nog niet geopend.");
  $("paper-intro").classList.toggle("refused", !eligible);
  const items = $("items");
  items.replaceChildren();
  let open = 0;
  const given = paper.proxiesGiven ?? [];
  paper.items.forEach((item, i) => {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = item.title;
    fieldset.append(legend);
    if (item.explanation) {
      const p = note(item.explanation, "explanation");
      p.id = `uitleg-${i}`;
      fieldset.append(p);
      fieldset.setAttribute("aria-describedby", p.id);
    }
    const proxy = given.find((g) => g.proposalId === item.proposalId);
    if (item.myVote) {
      // A sealed or secret ballot shows only that, and how, the member voted.
      // A vote the close left out (not eligible on the meeting date) says so, not "U heeft gestemd" (tester T8.11).
      fieldset.append(item.notCounted ? note(item.notCounted, "voted") : note(["Voor", "Tegen", "Onthouding"].includes(item.myVote)
        ? `U heeft gestemd: ${item.myVote} (${item.votedVia}).`
        : `U heeft gestemd (${item.votedVia}).`, "voted"));
    } else if (item.proxyVoteNotCounted && eligible) {
      // The holder voted for her but may not vote (written out): that vote does not count and she is free again (tester4 T1).
      fieldset.append(note(item.proxyVoteNotCounted, "voted"));
      // A secret ballot: that vote cannot be taken out, so neither a vote of her own nor a new proxy; the board decides (tester5 T5).
      if (!item.closed && paper.open && !item.boardDecides) {
        open++;
        radios(fieldset, `keuze-${i}`, item.proposalId, null);
      }
    } else if (!eligible) {
      fieldset.append(note("U kunt hierover niet stemmen."));
    } else if (item.closed || !paper.open) {
      fieldset.append(note(item.closed ? "Over dit voorstel is al besloten." : "Stemmen kan nog niet."));
    } else if (proxy) {
      fieldset.append(note(`U heeft lid ${proxy.holder} volmacht gegeven om hierover voor u te stemmen. Trek de volmacht in om zelf te stemmen.`, "voted"));
    } else {
      open++;
      radios(fieldset, `keuze-${i}`, item.proposalId, null);
    }
    items.append(fieldset);
  });
  // Proxies this member holds: a ballot per giver and proposal, cast with this member's own code.
  (paper.proxiesHeld ?? []).forEach((held, i) => {
    const fieldset = document.createElement("fieldset");
    fieldset.className = "proxy";
    const legend = document.createElement("legend");
    legend.textContent = `${held.title} – voor ${held.giverName} (lid ${held.giver}, bij volmacht)`;
    fieldset.append(legend);
    if (held.voted) fieldset.append(note(`Voor ${held.giverName} is hierover gestemd.`, "voted"));
    else if (held.closed || !paper.open) fieldset.append(note(held.closed ? "Over dit voorstel is al besloten." : "Stemmen kan nog niet."));
    else {
      open++;
      radios(fieldset, `volmacht-${i}`, held.proposalId, held.giver);
    }
    items.append(fieldset);
  });
  $("to-confirm").hidden = open === 0;
  renderProxy();
}

function renderProxy() {
  const section = $("proxy-section");
  section.hidden = !paper.proxiesAllowed || !paper.open || paper.eligible === false;
  if (section.hidden) return;
  const given = paper.proxiesGiven ?? [];
  $("proxies-given").replaceChildren(...given.map((g) => {
    const li = document.createElement("li");
    // Only what can be done (tester4 T1): after she voted herself the proxy is neither used nor withdrawable (the service answers 409).
    li.append(g.used
      ? `${g.title}: lid ${g.holder} heeft voor u gestemd.`
      : g.votedSelf
        ? `${g.title}: volmacht aan lid ${g.holder}; u heeft zelf gestemd, de volmacht wordt niet gebruikt.`
        : g.boardDecides
          ? `${g.title}: volmacht aan lid ${g.holder}; die stem telt niet en is bij deze geheime stemming niet te vervangen, het bestuur beslist.`
          : `${g.title}: volmacht aan lid ${g.holder}. `);
    if (!g.used && !g.votedSelf && !g.boardDecides) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = "Intrekken";
      button.setAttribute("aria-label", `Volmacht voor ${g.title} intrekken`);
      button.addEventListener("click", () => proxyCall("/api/stem/proxy/withdraw", { code, proposalIds: [g.proposalId] }, "Volmacht ingetrokken."));
      li.append(button);
    }
    return li;
  }));
  const free = paper.items.filter((item) => !item.myVote && !item.closed && !item.boardDecides && !given.some((g) => g.proposalId === item.proposalId));
  const fieldset = $("proxy-proposals");
  fieldset.replaceChildren(fieldset.querySelector("legend") ?? document.createElement("legend"));
  free.forEach((item, i) => {
    const row = document.createElement("div");
    row.className = "choice";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.id = `volmacht-voorstel-${i}`;
    input.value = item.proposalId;
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.textContent = item.title;
    row.append(input, label);
    fieldset.append(row);
  });
  $("proxy-form").hidden = free.length === 0;
}

async function proxyCall(path, body, done) {
  error(null);
  try {
    paper = await post(path, body);
  } catch (e) {
    error(e.message);
    return false;
  }
  render();
  $("proxy-heading").tabIndex = -1;
  $("proxy-heading").focus();
  $("proxy-status").textContent = done;
  return true;
}

$("proxy-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const proposalIds = [...document.querySelectorAll("#proxy-proposals input:checked")].map((input) => input.value);
  if (await proxyCall("/api/stem/proxy", { code, holder: $("holder").value, proposalIds }, "Volmacht gegeven.")) $("holder").value = "";
});

$("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  code = $("code").value;
  openPaper();
});

// A blank proposal keeps its place: no ballot is cast, so the same code can still vote on it while online voting is open.
const BLANK = "geen keuze — u kunt hier later nog over stemmen met dezelfde code, zolang online stemmen open is";
let blank = [];

// The ballots this member can still cast now (own and by proxy), as the paper shows them with radio buttons.
function openBallots() {
  const seen = new Set();
  return [...document.querySelectorAll("#items input[type=radio]")]
    .filter((input) => {
      const key = `${input.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((input) => ({
      proposalId: input.dataset.proposal, forMember: input.dataset.for ?? null,
      title: paper.items.find((x) => x.proposalId === input.dataset.proposal).title
        + (input.dataset.for ? ` (voor lid ${input.dataset.for}, bij volmacht)` : ""),
    }));
}

$("paper-form").addEventListener("submit", (event) => {
  event.preventDefault();
  chosen = [...document.querySelectorAll("#items input[type=radio]:checked")]
    .map((input) => ({
      proposalId: input.dataset.proposal, choice: input.value, forMember: input.dataset.for ?? null,
      title: paper.items.find((x) => x.proposalId === input.dataset.proposal).title
        + (input.dataset.for ? ` (voor lid ${input.dataset.for}, bij volmacht)` : ""),
    }));
  if (chosen.length === 0) {
    error("Kies bij minstens één voorstel Voor, Tegen of Onthouding.");
    return;
  }
  nonce = newNonce();
  error(null);
  // Every proposal on the ballot, in its order: a chosen one with its choice, one left blank said so
  // (tester F4: a blank one was silently left out, and a member could think the whole ballot was done).
  blank = openBallots().filter((b) => !chosen.some((c) => c.proposalId === b.proposalId && c.forMember === b.forMember));
  const list = $("confirm-list");
  list.replaceChildren(...openBallots().map((b) => {
    const li = document.createElement("li");
    const c = chosen.find((x) => x.proposalId === b.proposalId && x.forMember === b.forMember);
    li.textContent = c ? `${c.title}: ${c.choice}` : `${b.title}: ${BLANK}`;
    if (!c) li.className = "blank";
    return li;
  }));
  show("step-confirm");
});

$("back").addEventListener("click", () => show("step-paper"));

$("confirm").addEventListener("click", async () => {
  error(null);
  $("confirm").disabled = true;
  const receipts = [];
  const problems = [];
  let final = false;
  for (const c of chosen) {
    try {
      const r = await post("/api/stem/votes", { code, proposalId: c.proposalId, choice: c.choice, forMember: c.forMember, nonce }, { resendForMs: RESEND_FOR_MS });
      receipts.push({ ...r, title: c.title });
    } catch (e) {
      problems.push({ title: c.title, message: e.message, final: e.final === true });
      final ||= e.final === true;
    }
  }
  $("confirm").disabled = false;
  // The same refusal for every proposal (not eligible, voting closed) is said once, not once per proposal.
  const messages = [...new Set(problems.map((p) => p.message))];
  const said = messages.length === 1 && problems.length > 1 ? messages[0] : problems.map((p) => `${p.title}: ${p.message}`).join(" ");
  $("receipts").replaceChildren(...receipts.map((r) => {
    const li = document.createElement("li");
    const title = document.createElement("span");
    title.textContent = `${r.title}: ${r.choice} – ontvangstcode `;
    const receipt = document.createElement("span");
    receipt.className = "receipt";
    receipt.textContent = r.receipt;
    li.append(title, receipt);
    return li;
  }));
  if (receipts.length === 0) {
    if (final) {
      // A refusal that trying again cannot change: back to the ballot paper as it is now (it says why), not
      // the confirm screen with its "Bevestig en stem" button (tester A1).
      try { paper = await post("/api/stem/paper", { code }); render(); } catch { /* the paper as it was */ }
      show("step-paper");
    } else {
      show("step-confirm");
    }
    error(said);
    return;
  }
  // Proposals left blank (and any whose vote did not go through but may on a retry) are still open: said under the
  // receipts. A vote refused for good (a 4xx other than 429) is not "nog open": its reason is said above (tester T1).
  const refusedForGood = new Set(problems.filter((p) => p.final).map((p) => p.title));
  const open = [...blank.map((b) => b.title), ...chosen.filter((c) => !receipts.some((r) => r.title === c.title) && !refusedForGood.has(c.title)).map((c) => c.title)];
  $("still-open").hidden = open.length === 0;
  $("still-open-list").replaceChildren(...open.map((title) => {
    const li = document.createElement("li");
    li.textContent = `${title}: nog niet gestemd`;
    return li;
  }));
  // The meeting key the receipt check asks for, next to the receipts (tester F4 addendum).
  $("voting-key").textContent = paper.votingKey;
  $("check-link").href = `/stem#controle/${paper.votingKey}`;
  show("step-done");
  if (problems.length > 0) error(said);
});

function showCheck(meeting) {
  $("meeting").value = meeting ?? "";
  show("step-check");
}

$("check-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  error(null);
  $("check-result").textContent = "";
  try {
    const answers = await post("/api/stem/receipt", { meeting: $("meeting").value.trim(), receipt: $("receipt").value });
    const list = document.createElement("ul");
    list.className = "list";
    list.replaceChildren(...answers.map((a) => {
      const li = document.createElement("li");
      // A decision a recount (or a later correction) replaced says so: the choice alone would read as if it stood (tester T4).
      li.textContent = `${a.title}: geteld als ${a.choice}` + (a.note ? `. ${a.note}` : "");
      return li;
    }));
    $("check-result").replaceChildren(list);
  } catch (e) {
    error(e.message);
  }
});

window.addEventListener("hashchange", () => {
  if (location.hash.startsWith("#controle")) showCheck(decodeURIComponent(location.hash.slice("#controle/".length)));
});

// A link "/stem#CODE": take the code and drop it from the address bar and the history.
if (location.hash.startsWith("#controle")) {
  showCheck(decodeURIComponent(location.hash.slice("#controle/".length)));
} else if (location.hash.length > 1) {
  code = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, "", location.pathname);
  openPaper();
} else {
  show("step-code");
}
