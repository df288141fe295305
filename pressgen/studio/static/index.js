// pressgen studio, the index: a first index of a large workspace lists every release at once and the
// server checks them in the background; this fills in each row as it is checked (the rows' ticks and
// the focus kept), says how far it is in the status line, and at the end shows the page as the server
// sorts and filters it. Without the script, a reload shows the rows checked so far.
"use strict";

(function () {
  if (document.body.dataset.page !== "index") return;
  const query = new URLSearchParams(location.search);
  const pendingIds = () => [...document.querySelectorAll("tr[data-pending]")].map((row) => row.dataset.pending);
  const ticked = () => new Set([...document.querySelectorAll("input[name=release]:checked")].map((box) => box.value));
  const say = (text) => { const status = document.getElementById("index-status"); if (status) status.textContent = text; };
  const pause = (ms) => new Promise((done) => setTimeout(done, ms));

  function focusedPlace() {  // how to find the focused control again in a new copy of the page
    const active = document.activeElement;
    if (!active || !document.querySelector("main").contains(active)) return null;
    if (active.id) return `#${CSS.escape(active.id)}`;
    if (active.name === "release") return `input[name=release][value="${CSS.escape(active.value)}"]`;
    if (active.getAttribute("href")) return `a[href="${CSS.escape(active.getAttribute("href"))}"]`;
    return null;
  }

  async function showWhole() {  // the page as the server has it now: its sort, its filter, the tags of every row
    const keep = ticked(), place = focusedPlace();
    const answer = await fetch(location.href, {cache: "no-store"});
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    document.querySelector("main").replaceWith(page.querySelector("main"));
    for (const box of document.querySelectorAll("input[name=release]")) box.checked = keep.has(box.value);
    const again = place && document.querySelector(place);
    if (again) again.focus();
  }

  async function fill() {
    const all = pendingIds().length;
    if (!all) return;
    let said = 0, idle = 0;
    for (let ids = pendingIds(); ids.length; ids = pendingIds()) {
      const asked = new URLSearchParams();
      for (const key of ["tag", "state"]) if (query.get(key)) asked.set(key, query.get(key));
      for (const id of ids.slice(0, 100)) asked.append("id", id);
      let answer;
      try {
        answer = await (await fetch(`/rows?${asked}`, {cache: "no-store"})).json();
      } catch (error) { await pause(1000); continue; }  // the server is restarting
      const keep = ticked(), place = focusedPlace();
      for (const [id, html] of Object.entries(answer.rows)) {
        const row = document.querySelector(`tr[data-pending="${CSS.escape(id)}"]`);
        if (!row) continue;
        if (!html) { row.remove(); continue; }  // the filter leaves it out
        const made = document.createElement("template");
        made.innerHTML = html.trim();
        const fresh = made.content.firstElementChild;
        const box = fresh.querySelector("input[name=release]");
        if (box) box.checked = keep.has(id);
        row.replaceWith(fresh);
      }
      const again = place && document.querySelector(place);
      if (again && again !== document.activeElement) again.focus();
      const left = pendingIds().length;
      if (left && Date.now() - said > 3000) {  // a status line that speaks every few seconds, not per row
        said = Date.now();
        say(`Checked ${all - left} of ${all} releases; the others are being checked.`);
      }
      if (!Object.keys(answer.rows).length) {
        idle = answer.pending ? 0 : idle + 1;
        if (idle >= 3) { await showWhole(); idle = 0; }  // nothing is checking them (the studio restarted)
      }
    }
    await showWhole();
    say(`All ${all} releases checked.`);
  }
  fill();
})();
