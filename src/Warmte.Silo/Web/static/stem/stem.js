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

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    credentials: "omit", referrerPolicy: "no-referrer", cache: "no-store",
  });
  let json = null;
  try { json = await response.json(); } catch { /* empty */ }
  if (!response.ok) {
    const fields = json?.errors ? " " + Object.values(json.errors).flat().join(" ") : "";
    throw new Error((json?.detail ?? "Er ging iets mis; probeer het opnieuw.") + fields);
  }
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
  $("title").textContent = `${paper.meetingTitle} – ${paper.cooperativeName}`;
  $("paper-intro").textContent = `${paper.memberName} (lidnummer ${paper.memberNumber}), vergadering op ${dutchDate(paper.meetingDate)}.`
    + (paper.open ? " Kies per voorstel Voor, Tegen of Onthouding." : " Online stemmen is nog niet geopend.");
  const items = $("items");
  items.replaceChildren();
  let open = 0;
  paper.items.forEach((item, i) => {
    const fieldset = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = item.title;
    fieldset.append(legend);
    if (item.explanation) {
      const p = document.createElement("p");
      p.className = "explanation";
      p.id = `uitleg-${i}`;
      p.textContent = item.explanation;
      fieldset.append(p);
      fieldset.setAttribute("aria-describedby", p.id);
    }
    if (item.myVote) {
      const p = document.createElement("p");
      p.className = "voted";
      // A sealed or secret ballot shows only that, and how, the member voted.
      p.textContent = ["Voor", "Tegen", "Onthouding"].includes(item.myVote)
        ? `U heeft gestemd: ${item.myVote} (${item.votedVia}).`
        : `U heeft gestemd (${item.votedVia}).`;
      fieldset.append(p);
    } else if (item.closed || !paper.open) {
      const p = document.createElement("p");
      p.textContent = item.closed ? "Over dit voorstel is al besloten." : "Stemmen kan nog niet.";
      fieldset.append(p);
    } else {
      open++;
      for (const [value, text] of choices) {
        const row = document.createElement("div");
        row.className = "choice";
        const input = document.createElement("input");
        input.type = "radio";
        input.name = `keuze-${i}`;
        input.id = `keuze-${i}-${value}`;
        input.value = value;
        input.dataset.proposal = item.proposalId;
        const label = document.createElement("label");
        label.htmlFor = input.id;
        label.textContent = text;
        row.append(input, label);
        fieldset.append(row);
      }
    }
    items.append(fieldset);
  });
  $("to-confirm").hidden = open === 0;
  show("step-paper");
}

$("code-form").addEventListener("submit", (event) => {
  event.preventDefault();
  code = $("code").value;
  openPaper();
});

$("paper-form").addEventListener("submit", (event) => {
  event.preventDefault();
  chosen = [...document.querySelectorAll("#items input[type=radio]:checked")]
    .map((input) => ({ proposalId: input.dataset.proposal, choice: input.value, title: paper.items.find((x) => x.proposalId === input.dataset.proposal).title }));
  if (chosen.length === 0) {
    error("Kies bij minstens één voorstel Voor, Tegen of Onthouding.");
    return;
  }
  error(null);
  const list = $("confirm-list");
  list.replaceChildren(...chosen.map((c) => {
    const li = document.createElement("li");
    li.textContent = `${c.title}: ${c.choice}`;
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
  for (const c of chosen) {
    try {
      const r = await post("/api/stem/votes", { code, proposalId: c.proposalId, choice: c.choice });
      receipts.push(r);
    } catch (e) {
      problems.push(`${c.title}: ${e.message}`);
    }
  }
  $("confirm").disabled = false;
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
    error(problems.join(" "));
    show("step-confirm");
    return;
  }
  $("check-link").href = `/stem#controle/${paper.votingKey}`;
  show("step-done");
  if (problems.length > 0) error(problems.join(" "));
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
      li.textContent = `${a.title}: geteld als ${a.choice}`;
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
