// pressgen studio: a Markdown editor (CodeMirror 6) over each text area marked data-markdown.
//
// Progressive enhancement: the <textarea> stays in the form, hidden, and stays the field. Everything
// the page's own script (studio.js) does with a text area keeps working on it: its value (drafts,
// merge, save, "use this suggestion"), its selection and setRangeText (the Markdown toolbar), focus()
// (Alt+N, "edit", the first field to fix). Those are answered by the editor on the text area itself,
// so studio.js needs no knowledge of it; every change typed in the editor is written to the text area
// with an "input" event. Without this bundle, or without JavaScript, the plain text areas remain.
//
// The problems the studio places inside a field (the .field-errors list named by the text area's
// aria-describedby, each problem's <span class="at" data-line data-col data-length>) are marked on the
// offending text; the list stays the editor's description, and each problem gets a button that selects
// its text in the editor.
//
// The Content-Security-Policy allows style elements with the response's nonce only: this script's own
// nonce (set by the page) is given to CodeMirror for the style elements of its themes.
import {EditorState, StateEffect, StateField, Compartment, RangeSet} from "@codemirror/state";
import {EditorView, Decoration, keymap, placeholder} from "@codemirror/view";
import {defaultKeymap, history, historyKeymap} from "@codemirror/commands";
import {HighlightStyle, LanguageSupport, syntaxHighlighting} from "@codemirror/language";
import {markdownKeymap, markdownLanguage} from "@codemirror/lang-markdown";
import {tags} from "@lezer/highlight";

const nonce = document.currentScript ? document.currentScript.nonce : "";

// Colours of 4.5:1 or more on white (WCAG AA): the marks are grey, links blue, the words as written.
const highlight = HighlightStyle.define([
  {tag: tags.heading, fontWeight: "bold"},
  {tag: tags.strong, fontWeight: "bold"},
  {tag: tags.emphasis, fontStyle: "italic"},
  {tag: tags.link, color: "#1a4f9c", textDecoration: "underline"},
  {tag: tags.url, color: "#1a4f9c"},
  {tag: tags.quote, fontStyle: "italic"},
  {tag: [tags.processingInstruction, tags.contentSeparator, tags.meta], color: "#555"},
]);

const theme = EditorView.theme({
  "&": {border: "1px solid #aab0ba", borderRadius: "4px", background: "#fff", color: "#111",
        maxWidth: "100%", fontSize: ".95em"},  // as the studio's text areas
  "&.cm-focused": {outline: "3px solid #1a4f9c", outlineOffset: "1px"},
  ".cm-scroller": {fontFamily: "inherit", lineHeight: "1.4", overflowX: "hidden"},
  ".cm-content": {padding: "0.4em 0.5em", minHeight: "var(--rows, 4lh)"},
  ".cm-line": {padding: "0"},
  ".cm-placeholder": {color: "#595959"},
  ".cm-error-mark": {textDecoration: "underline wavy #b00020", textDecorationSkipInk: "none",
                     textUnderlineOffset: "3px", background: "#fde8eb"},
});

// --- the marks of the problems placed in the field --------------------------------------------
const setMarks = StateEffect.define();
const marks = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setMarks)) value = effect.value;
    return value;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// A problem points at a line of the field (data-line); a segment of a translation, which holds a part of
// the field, finds the line by its words (data-text).
function rangesOf(doc, list, segment) {  // the problems of the list, as ranges of the editor's text
  const found = [];
  for (const at of list ? list.querySelectorAll(".at[data-line]") : []) {
    let line = null;
    if (!segment) line = doc.line(Math.min(Math.max(+at.dataset.line, 1), doc.lines));
    else for (let number = 1; number <= doc.lines && !line; number++) {
      if (doc.line(number).text === at.dataset.text) line = doc.line(number);
    }
    if (!line) continue;
    const from = line.from + Math.min(+at.dataset.col || 0, line.length);
    let to = Math.min(from + (+at.dataset.length || 0), line.to);
    if (to === from) to = Math.min(from + 1, line.to);  // an empty stretch: the character there
    const item = at.closest("li");
    const message = item ? item.firstChild.textContent.trim() : "";
    found.push({from, to, message, at});
  }
  return found;
}

function showMarks(view, list, segment) {
  const ranges = rangesOf(view.state.doc, list, segment).sort((one, other) => one.from - other.from);
  const marked = ranges.filter((range) => range.to > range.from);  // an empty line has nothing to mark
  view.dispatch({effects: setMarks.of(RangeSet.of(marked.map((range) => Decoration.mark({
    class: "cm-error-mark", attributes: {title: range.message},
  }).range(range.from, range.to))))});
  ranges.forEach((range) => {
    range.at.dataset.mark = marked.indexOf(range);
    if (range.at.querySelector("button.show-at")) return;
    const button = document.createElement("button");
    button.type = "button"; button.className = "show-at"; button.textContent = "Show in the text";
    button.addEventListener("click", () => {  // the marked words, where the edits since have moved them
      let from = null, to = null, count = 0;
      for (const mark = view.state.field(marks).iter(); mark.value; mark.next(), count++) {
        if (count === +range.at.dataset.mark) { from = mark.from; to = mark.to; break; }
      }
      if (from === null) ({from, to} = range);
      view.dispatch({selection: {anchor: from, head: to}, scrollIntoView: true});
      view.focus();
    });
    range.at.append(" ", button);
  });
}

// --- the text area, answered by the editor --------------------------------------------------------
const areaValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value");

function labelIds(area) {
  const ids = [];
  for (const label of area.labels || []) {
    if (!label.id) label.id = `label-${area.id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    ids.push(label.id);
  }
  return ids.join(" ");
}

function attributesOf(area) {  // the text area's name, language, spelling and state, on the editor's text
  const attributes = {id: `${area.id}.editor`, spellcheck: area.spellcheck ? "true" : "false",
                      "aria-multiline": "true"};
  const labelledby = area.getAttribute("aria-labelledby") || labelIds(area);
  if (labelledby) attributes["aria-labelledby"] = labelledby;
  else if (area.getAttribute("aria-label")) attributes["aria-label"] = area.getAttribute("aria-label");
  for (const name of ["lang", "dir", "aria-describedby", "aria-invalid", "aria-required"]) {
    if (area.hasAttribute(name)) attributes[name] = area.getAttribute(name);
  }
  return attributes;
}

function errorList(area) {
  const named = (area.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  for (const id of named) {
    const list = document.getElementById(id);
    if (list && list.classList.contains("field-errors")) return list;
  }
  const segment = /^segment\.([a-z]+)-/.exec(area.name);  // a translation's segment: its field's problems
  if (segment) return document.getElementById(`errors-text-${area.lang}-${segment[1]}`);
  return document.getElementById(`errors-${area.name.replaceAll(".", "-")}`);
}

function mount(area) {
  const described = new Compartment();
  let quiet = false;  // a change the text area made: not written back to it
  const view = new EditorView({
    state: EditorState.create({
      doc: area.value,
      extensions: [
        history(),
        // Enter continues a list or quote; Tab leaves the editor, as it leaves a text area.
        keymap.of([...markdownKeymap, ...defaultKeymap, ...historyKeymap]),
        new LanguageSupport(markdownLanguage),  // the Markdown of a release (GFM tables); no embedded HTML
        syntaxHighlighting(highlight),
        EditorView.lineWrapping,
        theme,
        marks,
        area.placeholder ? placeholder(area.placeholder) : [],
        described.of(EditorView.contentAttributes.of(attributesOf(area))),
        EditorView.cspNonce.of(nonce || ""),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged || quiet) return;
          areaValue.set.call(area, update.state.doc.toString());
          area.dispatchEvent(new Event("input", {bubbles: true}));
        }),
        EditorView.domEventHandlers({
          blur: () => { area.dispatchEvent(new Event("change", {bubbles: true})); },
        }),
      ],
    }),
  });
  view.dom.classList.add("studio-editor");
  view.dom.style.setProperty("--rows", `${Math.max(area.rows || 2, 2) * 1.4}em`);
  area.after(view.dom);
  area.hidden = true;
  for (const bar of document.querySelectorAll(".toolbar[aria-controls]")) {  // the toolbar formats the editor
    if (bar.getAttribute("aria-controls") === area.id) bar.setAttribute("aria-controls", view.contentDOM.id);
  }
  for (const label of area.labels || []) label.addEventListener("click", () => view.focus());
  area.classList.add("enhanced");

  function replaceAll(text) {
    if (view.state.doc.toString() === text) return;
    quiet = true;
    try { view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}}); } finally { quiet = false; }
  }
  const selected = () => view.state.selection.main;
  Object.defineProperties(area, {
    value: {configurable: true, get: () => areaValue.get.call(area),
            set: (text) => { areaValue.set.call(area, text); replaceAll(areaValue.get.call(area)); }},
    selectionStart: {configurable: true, get: () => selected().from,
                     set: (at) => view.dispatch({selection: {anchor: at, head: Math.max(at, selected().to)}})},
    selectionEnd: {configurable: true, get: () => selected().to,
                   set: (at) => view.dispatch({selection: {anchor: Math.min(selected().from, at), head: at}})},
  });
  area.setSelectionRange = (start, end) => {
    const length = view.state.doc.length;
    view.dispatch({selection: {anchor: Math.min(start, length), head: Math.min(end ?? start, length)}});
  };
  area.setRangeText = (text, start = selected().from, end = selected().to, mode = "preserve") => {
    const old = selected();
    const after = {select: {anchor: start, head: start + text.length}, start: {anchor: start},
                   end: {anchor: start + text.length}}[mode];
    view.dispatch({changes: {from: start, to: end, insert: text},
                   selection: after || {anchor: old.anchor, head: old.head}, scrollIntoView: true});
  };
  area.select = () => view.dispatch({selection: {anchor: 0, head: view.state.doc.length}});
  area.focus = () => {  // as a text area's focus: into view, where the cursor is
    view.focus();
    view.dispatch({effects: EditorView.scrollIntoView(selected().head, {y: "nearest", yMargin: 40})});
  };
  area.editorView = view;

  // The text area's state (aria-invalid, aria-describedby set after a save) follows onto the editor.
  new MutationObserver(() => {
    view.dispatch({effects: described.reconfigure(EditorView.contentAttributes.of(attributesOf(area)))});
    watch(errorList(area));
  }).observe(area, {attributes: true, attributeFilter: ["aria-invalid", "aria-describedby", "lang"]});
  let watched = null;
  const segment = area.name.startsWith("segment.");
  function show() {
    showMarks(view, watched, segment);
    if (!segment || !watched) return;
    // A segment holding a marked problem is the field to fix: invalid, described by its field's problems.
    if (view.state.field(marks).size) {
      area.setAttribute("aria-invalid", "true"); area.setAttribute("aria-describedby", watched.id);
    } else if (area.getAttribute("aria-describedby") === watched.id && !watched.querySelector("li")) {
      // (a problem with no words to mark, "segment 4 is empty", keeps the field invalid)
      area.removeAttribute("aria-invalid"); area.removeAttribute("aria-describedby");
    }
  }
  const lists = new MutationObserver(show);
  function watch(list) {
    if (list === watched) return;
    lists.disconnect();
    watched = list;
    if (list) lists.observe(list, {childList: true, subtree: true});
    show();
  }
  watch(errorList(area));
  return view;
}

for (const area of document.querySelectorAll("textarea[data-markdown]")) mount(area);
