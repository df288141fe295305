// pressgen studio: the little script the pages need. Everything works without it except the live
// preview and the in-place save; it never reloads a whole page on its own.
"use strict";

const body = document.body;

// --- changes pushed by the server (server-sent events) -------------------------------------------
const listeners = [];
function onChange(listener) { listeners.push(listener); }
function deliver(data) {
  const words = data.split(" ");
  for (const listener of listeners) listener(words);
}
// One stream for all tabs (a browser keeps six connections to a host: one stream per tab would stop
// the seventh). The tab holding the "events" lock is the leader: it holds the stream and passes each
// message to the others on a broadcast channel; when it closes, the next tab takes the lock over.
// Where locks are not offered (a page not served from this machine), a shared worker holds the stream
// (static/events-worker.js); a browser with neither gets a stream of its own.
(function connect() {
  if (navigator.locks && window.BroadcastChannel) {
    const channel = new BroadcastChannel("pressgen-studio-events");
    channel.onmessage = (event) => deliver(event.data);
    navigator.locks.request("pressgen-studio-events", () => new Promise(() => {
      const events = new EventSource("/events");
      events.onmessage = (event) => { channel.postMessage(event.data); deliver(event.data); };
    }));  // never released while the page is open
    return;
  }
  if (window.SharedWorker) {
    try {
      const worker = new SharedWorker("/static/events-worker.js", {name: "pressgen-studio-events"});
      worker.port.onmessage = (event) => deliver(event.data);
      worker.port.start();
      window.addEventListener("pagehide", (event) => { if (!event.persisted) worker.port.postMessage("bye"); });
      return;
    } catch (error) { /* fall through to a stream of this page's own */ }
  }
  if (window.EventSource) {
    const events = new EventSource("/events");
    events.onmessage = (event) => deliver(event.data);
  }
})();

// --- who is working: a name kept in this browser, sent with each save for the history -------------
const user = document.querySelector(".studio-user");
function userName() { try { return localStorage.getItem("pressgen-user") || ""; } catch (error) { return ""; } }
if (user) {
  user.value = userName();
  user.addEventListener("change", () => { try { localStorage.setItem("pressgen-user", user.value.trim()); } catch (error) { /* not kept */ } });
}
document.addEventListener("submit", (event) => {  // the forms posted without the script's help carry it too
  const field = event.target.querySelector("input[name=author]");
  if (field) field.value = userName();
  else if (event.target.method === "post" && !event.target.classList.contains("save-form")) {
    const added = document.createElement("input");
    added.type = "hidden"; added.name = "author"; added.value = userName();
    event.target.append(added);
  }
}, true);

// --- the index: refresh the table in place, one request at a time ----------------------------
if (body.dataset.page === "index") {
  document.addEventListener("change", (event) => {
    if (!event.target.classList.contains("select-all")) return;
    for (const box of document.querySelectorAll("input[name=release]")) box.checked = event.target.checked;
  });
  let pending = null, running = false, again = false;
  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    try {
      const answer = await fetch(location.href, {cache: "no-store"});
      const page = new DOMParser().parseFromString(await answer.text(), "text/html");
      const ticked = new Set([...document.querySelectorAll("input[name=release]:checked")].map((box) => box.value));
      document.querySelector("main").replaceWith(page.querySelector("main"));
      for (const box of document.querySelectorAll("input[name=release]")) box.checked = ticked.has(box.value);
    } catch (error) { /* the server is restarting: the next change refreshes */ }
    running = false;
    if (again) { again = false; refresh(); }
  }
  onChange((words) => {
    if (words[0] === "build") {
      const bar = document.querySelector("#build progress");
      if (bar) { bar.hidden = false; bar.value = +words[1]; bar.max = Math.max(+words[2], 1); }
      const count = document.querySelector("#build .build-count");
      if (count) count.textContent = `${words[1]} of ${words[2]} documents`;
      return;
    }
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);  // a burst of changes makes one request
  });
}

// --- a release: the preview, the save in place -----------------------------------------------
if (body.dataset.page === "release") {
  const release = body.dataset.release, lang = body.dataset.lang;
  const pages = document.querySelector(".preview .pages");
  const problems = document.querySelector(".preview-errors");
  let shownVersion = null, loading = false, again = false;

  async function showPreview() {
    if (loading) { again = true; return; }
    loading = true;
    try {
      const answer = await fetch(`/release/${release}/${lang}/preview`, {cache: "no-store"});
      const preview = await answer.json();
      problems.replaceChildren(...preview.errors.map((line) => {
        const item = document.createElement("li"); item.className = "error";
        const code = document.createElement("code"); code.textContent = line; item.append(code); return item;
      }));
      const form = document.querySelector(".save-form");
      const base = form && form.querySelector("input[name=base]");
      const notice = document.querySelector(".changed-on-disk");
      if (notice) notice.hidden = !base || base.value === preview.base;
      if (preview.version !== shownVersion && preview.pages > 0) {
        // Load the new pages first, then swap them in: no blank frame, the scroll position stays.
        const images = await Promise.all(Array.from({length: preview.pages}, (_, index) => new Promise((done) => {
          const image = new Image();
          image.alt = `Page ${index + 1} of ${preview.pages} of the ${lang} PDF`;
          image.onload = image.onerror = () => done(image);
          image.src = `/release/${release}/${lang}/page/${index + 1}.png?v=${preview.version}`;
        })));
        pages.replaceChildren(...images);
        pages.dataset.version = shownVersion = preview.version;
      } else if (preview.pages === 0) {
        pages.replaceChildren();
        pages.dataset.version = shownVersion = preview.version;
      }
    } catch (error) { /* the server is restarting */ }
    loading = false;
    if (again) { again = false; showPreview(); }
  }
  showPreview();
  onChange((words) => { if (words.includes(release) || words.includes("*")) showPreview(); });

  // --- drafts kept in the browser: what is typed survives a reload or a crash until it is saved ----
  const draftKey = `pressgen-draft:${location.pathname.split("/").slice(0, 4).join("/")}`;
  const saveForm = document.querySelector(".save-form");
  function fieldsOf(form) {  // the fields a person types in or ticks, by name (and value, for a box)
    return [...form.elements].filter((element) => element.name && element.type !== "hidden"
      && element.type !== "file" && !["BUTTON", "FIELDSET"].includes(element.tagName));
  }
  function keyOf(element) { return element.type === "checkbox" ? `${element.name}=${element.value}` : element.name; }
  function valuesOf(form) {
    const values = {};
    for (const element of fieldsOf(form)) values[keyOf(element)] = element.type === "checkbox" ? element.checked : element.value;
    return values;
  }
  function putValues(form, values) {
    for (const element of fieldsOf(form)) {
      const value = values[keyOf(element)];
      if (value === undefined) continue;
      if (element.type === "checkbox") element.checked = value; else element.value = value;
    }
  }
  function blank(value) { return value === undefined || value === false ? "" : value; }  // a row added empty is no change
  function same(a, b) { return Object.keys({...a, ...b}).every((key) => blank(a[key]) === blank(b[key])); }
  // Facts and photos: one empty row after the last, as the server renders them; once it is filled in,
  // the next comes from the row's template (numbered on), so a second fact needs no reload.
  function growRows() {
    let grown = false;
    for (const template of document.querySelectorAll("template.row-template")) {
      const rows = template.parentElement.querySelectorAll(`:scope > .${template.dataset.row}`);
      const last = rows[rows.length - 1];
      if (!last || ![...last.querySelectorAll(template.dataset.filled)].some((field) => field.value.trim())) continue;
      last.insertAdjacentHTML("afterend", template.innerHTML.replaceAll("__INDEX__", `${rows.length}`)
        .replaceAll("__NUMBER__", `${rows.length + 1}`));
      grown = true;
    }
    return grown;
  }
  function putAll(form, values) {  // values for rows the page does not have yet get their rows first
    putValues(form, values);
    for (let round = 0; round < 100 && growRows(); round++) putValues(form, values);
  }
  let savedValues = saveForm ? valuesOf(saveForm) : {};  // what the file holds, as far as this page knows
  function dirty() { return saveForm !== null && !same(valuesOf(saveForm), savedValues); }
  function keepDraft() {
    if (!saveForm) return;
    try {
      if (dirty()) localStorage.setItem(draftKey, JSON.stringify({
        values: valuesOf(saveForm), from: savedValues, base: saveForm.querySelector("input[name=base]").value,
        at: new Date().toISOString()}));
      else localStorage.removeItem(draftKey);
    } catch (error) { /* storage full or refused: the leave-page warning still guards the text */ }
  }
  function dropDraft() { try { localStorage.removeItem(draftKey); } catch (error) { /* nothing kept */ } }
  if (saveForm) {
    let timer = null;
    saveForm.addEventListener("input", () => { growRows(); clearTimeout(timer); timer = setTimeout(keepDraft, 300); });
    saveForm.addEventListener("change", () => { growRows(); keepDraft(); });
    window.addEventListener("pagehide", keepDraft);
    window.addEventListener("beforeunload", (event) => {
      if (!dirty()) return;
      keepDraft();
      event.preventDefault();
      event.returnValue = "";  // the browser asks whether to leave: the changes are not saved to the file
    });
    let kept = null;
    try { kept = JSON.parse(localStorage.getItem(draftKey) || "null"); } catch (error) { kept = null; }
    if (kept && kept.values && !same(kept.values, savedValues)) {
      const original = savedValues;
      putAll(saveForm, kept.values);
      const notice = document.querySelector(".draft-restored");
      const when = new Date(kept.at);
      notice.querySelector(".when").textContent = isNaN(when) ? "" : ` (typed ${when.toLocaleString()})`;
      notice.querySelector(".older").hidden = kept.base === saveForm.querySelector("input[name=base]").value;
      notice.hidden = false;
      notice.querySelector("button.discard").addEventListener("click", () => {
        putValues(saveForm, original);
        dropDraft();
        notice.hidden = true;
      });
      notice.querySelector("button.keep").addEventListener("click", () => { notice.hidden = true; });
    } else if (kept) dropDraft();
  }

  // --- a Markdown toolbar on the text areas: what the buttons write is what the release file takes --
  const TOOLS = [  // each: what goes before the words, the words (or a stand-in), what goes after
    ["Bold", (text) => ["**", text || "bold text", "**"]],
    ["Italic", (text) => ["*", text || "italic text", "*"]],
    ["Link", (text) => ["[", text || "link text", "](https://)"]],
    ["List", (text) => ["", lines(text || "item", "- "), ""]],
    ["Intertitle", (text) => ["\n\n## ", text || "Intertitle", "\n\n"]],
    ["Quote", (text) => ["", lines(text || "quoted words", "> "), ""]],
    ["Table", (text) => ["\n\n| ", text || "Key figure", " | Value |\n| --- | --- |\n|  |  |\n\n"]],
  ];
  function lines(text, prefix) { return text.split("\n").map((line) => prefix + line).join("\n"); }
  for (const area of document.querySelectorAll("textarea[data-markdown]")) {
    const bar = document.createElement("div");
    bar.className = "toolbar"; bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `Formatting of ${area.dataset.markdown}`);
    bar.setAttribute("aria-controls", area.id);
    for (const [name, make] of TOOLS) {
      const button = document.createElement("button");
      button.type = "button"; button.textContent = name; button.className = `tool tool-${name.toLowerCase()}`;
      button.setAttribute("aria-label", `${name}, ${area.dataset.markdown}`);  // a name of its own on a page of many
      button.addEventListener("click", () => {
        const start = area.selectionStart, end = area.selectionEnd;
        const [before, words, after] = make(area.value.slice(start, end));
        area.focus();
        area.setRangeText(before + words + after, start, end, "end");
        if (start === end) area.setSelectionRange(start + before.length, start + before.length + words.length);
        area.dispatchEvent(new Event("input", {bubbles: true}));
      });
      bar.append(button);
    }
    area.before(bar);
  }

  // --- the translation editor: Alt+N the next segment not reviewed, Alt+S the next stale one -------
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || !["KeyN", "KeyS"].includes(event.code)) return;
    const rows = [...document.querySelectorAll("tr.segment")];
    if (!rows.length) return;
    const wanted = event.code === "KeyN"
      ? (row) => !row.querySelector("input.reviewed").checked
      : (row) => row.dataset.state === "stale";
    const here = rows.findIndex((row) => row.contains(document.activeElement));
    const order = [...rows.slice(here + 1), ...rows.slice(0, here + 1)];
    const next = order.find(wanted);
    if (!next) return;
    event.preventDefault();
    next.querySelector("textarea").focus();
    next.scrollIntoView({block: "center"});
  });

  // The machine draft is a page of its own (the form works without the script); while the service is
  // asked, the page says so instead of standing still, and a second click does not ask again.
  for (const form of document.querySelectorAll("form.machine")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.busy) { event.preventDefault(); return; }
      form.dataset.busy = "yes";
      form.querySelector(".machine-state").textContent = "Asking the translation service for a draft…";
    });
    window.addEventListener("pageshow", (event) => {  // back to this page from the browser's cache
      if (!event.persisted) return;
      delete form.dataset.busy;
      form.querySelector(".machine-state").textContent = "";
    });
  }

  for (const button of document.querySelectorAll(".use-suggestion")) {
    button.addEventListener("click", () => {  // a person's choice, never done for them
      const area = document.getElementById(button.dataset.for);
      area.value = button.dataset.text;
      area.dispatchEvent(new Event("input", {bubbles: true}));
      area.focus();
    });
  }

  for (const all of document.querySelectorAll(".all-reviewed")) {
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll("input.reviewed")) box.checked = all.checked;
    });
  }

  function shown(value) { return value === true ? "ticked" : value === false ? "not ticked" : value; }
  function fieldOf(form, key) {
    return fieldsOf(form).find((element) => keyOf(element) === key);
  }
  function showConflicts(form, conflict) {
    // The page now stands on the file as it is: merged fields in the form, the conflicting ones kept as typed.
    form.querySelector("input[name=base]").value = conflict.base;
    putAll(form, conflict.merged);
    savedValues = conflict.theirs;
    keepDraft();
    const panel = document.querySelector(".conflict-js");
    const list = panel.querySelector(".conflict-fields");
    const template = document.getElementById("field-conflict");
    panel.querySelector(".conflict-title").textContent = `Not saved: ${conflict.message}`;
    list.replaceChildren();
    for (const field of conflict.fields) {
      const block = template.content.firstElementChild.cloneNode(true);
      block.querySelector(".label").textContent = field.label;
      block.querySelector(".mine").textContent = shown(field.mine);
      block.querySelector(".theirs").textContent = shown(field.theirs);
      const element = fieldOf(form, field.name);
      for (const button of block.querySelectorAll("button")) button.setAttribute("aria-label",
        `${button.textContent}: ${field.label}`);
      const done = () => { block.remove(); if (!list.children.length) panel.hidden = true; };
      block.querySelector(".keep-mine").addEventListener("click", done);
      block.querySelector(".keep-theirs").addEventListener("click", () => {
        if (element) putValues(form, {[field.name]: field.theirs});
        keepDraft(); done();
      });
      block.querySelector(".edit").addEventListener("click", () => { if (element) element.focus(); done(); });
      if (!element) block.querySelector(".keep-theirs").hidden = block.querySelector(".edit").hidden = true;
      list.append(block);
    }
    panel.hidden = false;
    panel.scrollIntoView();
  }

  for (const form of document.querySelectorAll(".save-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const state = form.querySelector(".save-state");
      state.textContent = "Saving…";
      for (const list of form.querySelectorAll(".field-errors")) list.replaceChildren();
      for (const field of form.querySelectorAll("[aria-invalid]")) {
        field.removeAttribute("aria-invalid"); field.removeAttribute("aria-describedby");
      }
      let answer;
      const sent = new FormData(form);
      sent.set("original", JSON.stringify(savedValues));  // what this page started from: the server merges
      sent.set("author", userName());
      try {
        answer = await fetch(form.action, {method: "POST", body: sent, headers: {Accept: "application/json"}});
      } catch (error) { state.textContent = "Not saved: the studio does not answer."; return; }
      const result = await answer.json();
      if (result.ok) {
        form.querySelector("input[name=base]").value = result.base;
        if (result.headline) {  // the page says what the file says now: heading, tab title, download link
          for (const span of document.querySelectorAll(".headline")) span.textContent = result.headline;
          document.title = `${result.headline} (${lang}) · pressgen studio`;
          const link = document.querySelector(".download-pdf");
          if (link) link.textContent = `Download “${result.headline}” (${lang}) as PDF`;
        }
        for (const [id, status] of Object.entries(result.segments || {})) {
          const row = document.getElementById(`seg-${id}`);
          if (!row) continue;
          row.dataset.state = status;
          const chip = row.querySelector("th .state");
          if (chip) { chip.textContent = status; chip.className = `state ${status}`; }
          const box = row.querySelector("input.reviewed");
          if (box) box.checked = status === "reviewed";
        }
        if (result.merged) putAll(form, result.merged);
        growRows();  // what others saved meanwhile, now in the form
        savedValues = valuesOf(form);
        dropDraft();
        state.textContent = "Saved.";
        for (const [code, status] of Object.entries(result.states || {})) {
          const link = document.querySelector(`nav.languages a[href$="/${code}"] span`);
          if (link) { link.textContent = status; link.parentElement.className = `state ${status}`; }
        }
        showPreview();
        if (result.theirs_changed && result.theirs_changed.length)
          state.textContent = "Saved, with the changes saved meanwhile elsewhere merged in.";
      } else if (result.conflict) {
        state.textContent = "Not saved: some fields were changed elsewhere too.";
        showConflicts(form, result.conflict);
      } else {
        state.textContent = `Not saved: ${result.message}`;
        for (const [name, problems] of Object.entries(result.fields || {})) {
          const id = `errors-${name === "form" ? "" : name.replaceAll(".", "-")}`;
          const list = document.getElementById(id) || form.querySelector(".field-errors");
          for (const problem of problems) {
            const item = document.createElement("li"); item.className = "error";
            item.innerHTML = problem.html;  // escaped by the server: the message, a hint, where in the file
            list.append(item);
          }
          const field = name === "form" ? null : form.querySelector(`[name="${CSS.escape(name)}"]`);
          if (field) {
            field.setAttribute("aria-invalid", "true");
            field.setAttribute("aria-describedby", list.id);
          }
        }
        const first = form.querySelector("[aria-invalid=true]");  // the first field to fix on the page
        if (first) first.focus();  // not the Save button
      }
    });
  }
}
