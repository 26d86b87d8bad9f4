// The Markdown editor (templates/accounts/_markdown_editor.html): toolbar buttons and
// Ctrl/Cmd+B/I put Markdown around the selection; Write/Preview tabs; the preview is
// the server's rendering (an htmx POST to richtext_preview), refreshed while typing.
// Loaded by each editor (also after htmx swaps): listeners are installed once,
// editors are enhanced whenever new content appears (htmx:load).
(function () {
  "use strict";
  if (window.__mhMarkdown) {
    window.__mhMarkdown.enhance(document);
    return;
  }

  const PREVIEW_DELAY = 350; // ms of quiet typing before the preview is refreshed
  const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+/;

  // --- Editing the text ----------------------------------------------------------------
  // Replace [start, end) with text and select [selStart, selEnd) of the result.
  // execCommand keeps the browser's undo history; setRangeText is the fallback.
  function replace(textarea, start, end, text, selStart, selEnd) {
    textarea.focus();
    textarea.setSelectionRange(start, end);
    let done = false;
    try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done || textarea.value.slice(start, start + text.length) !== text) {
      textarea.setRangeText(text, start, end, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    textarea.setSelectionRange(start + selStart, start + selEnd);
  }

  // **bold** / *italic*: wrap the selection (its spaces stay outside), or unwrap it.
  function toggleWrap(textarea, marker, placeholder) {
    const value = textarea.value;
    let start = textarea.selectionStart;
    let end = textarea.selectionEnd;
    while (start < end && /\s/.test(value[start])) start++;
    while (end > start && /\s/.test(value[end - 1])) end--;
    const inner = value.slice(start, end);
    const size = marker.length;
    const before = value.slice(start - size, start);
    const after = value.slice(end, end + size);
    // Italic inside bold ("**word**") is not italic: look one character further.
    const wrapped = before === marker && after === marker &&
      (size === 2 || (value[start - 2] !== "*" && value[end + 1] !== "*"));
    if (wrapped && inner) {
      replace(textarea, start - size, end + size, inner, 0, inner.length);
      return;
    }
    if (inner.length > size * 2 && inner.startsWith(marker) && inner.endsWith(marker) &&
        (size === 2 || !inner.startsWith("**") || inner.startsWith("***"))) {
      const bare = inner.slice(size, inner.length - size);
      replace(textarea, start, end, bare, 0, bare.length);
      return;
    }
    const text = inner || placeholder;
    replace(textarea, start, end, marker + text + marker, size, size + text.length);
  }

  // Lists: every selected line becomes an item ("- " or "1. "), or stops being one.
  function toggleList(textarea, numbered) {
    const value = textarea.value;
    const start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
    let end = value.indexOf("\n", Math.max(textarea.selectionEnd - (textarea.selectionEnd > textarea.selectionStart ? 1 : 0), start));
    if (end === -1) end = value.length;
    const lines = value.slice(start, end).split("\n");
    const kind = numbered ? /^\s*\d+[.)]\s+/ : /^\s*[-*+]\s+/;
    const filled = lines.filter(function (line) { return line.trim(); });
    const already = filled.length > 0 && filled.every(function (line) { return kind.test(line); });
    let n = 0;
    const out = lines.map(function (line) {
      if (already) return line.replace(LIST_ITEM, "$1");
      if (!line.trim() && lines.length > 1) return line;
      n += 1;
      return (numbered ? n + ". " : "- ") + line.replace(LIST_ITEM, "$1");
    });
    let text = out.join("\n");
    // A list right under a paragraph line would be read as part of that paragraph.
    const previous = value.slice(0, start).replace(/\n$/, "");
    const lastLine = previous.slice(previous.lastIndexOf("\n") + 1);
    let lead = 0;
    if (!already && lastLine.trim() && !LIST_ITEM.test(lastLine)) {
      text = "\n" + text;
      lead = 1;
    }
    const emptyItem = !already && filled.length === 0;
    replace(textarea, start, end, text, emptyItem ? text.length : lead, text.length);
  }

  // [text](url): the selection becomes the link text (or the URL, if it is one).
  function insertLink(textarea) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const selected = textarea.value.slice(start, end).trim();
    if (/^(https?:\/\/|mailto:)\S+$/i.test(selected)) {
      const label = "link text";
      replace(textarea, start, end, "[" + label + "](" + selected + ")", 1, 1 + label.length);
      return;
    }
    const text = selected || "link text";
    const url = "https://";
    const result = "[" + text + "](" + url + ")";
    replace(textarea, start, end, result, text.length + 3, text.length + 3 + url.length);
  }

  function apply(textarea, action) {
    if (action === "bold") toggleWrap(textarea, "**", "bold text");
    else if (action === "italic") toggleWrap(textarea, "*", "italic text");
    else if (action === "bullets") toggleList(textarea, false);
    else if (action === "numbers") toggleList(textarea, true);
    else if (action === "link") insertLink(textarea);
  }

  // --- Preview ---------------------------------------------------------------------------
  function parts(editor) {
    return {
      textarea: editor.querySelector("textarea"),
      write: editor.querySelector("[data-md-write]"),
      preview: editor.querySelector("[data-md-preview]"),
      tabs: Array.from(editor.querySelectorAll("[data-md-tab]")),
    };
  }

  function refreshPreview(editor) {
    const p = parts(editor);
    if (!window.htmx || p.preview.hidden) return;
    window.htmx.ajax("POST", editor.dataset.previewUrl, {
      source: p.preview,
      target: p.preview,
      swap: "innerHTML",
      values: { text: p.textarea.value },
    });
  }

  function select(editor, which) {
    const p = parts(editor);
    p.tabs.forEach(function (tab) {
      const on = tab.dataset.mdTab === which;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
    });
    p.write.hidden = which !== "write";
    p.preview.hidden = which !== "preview";
    if (which === "preview") refreshPreview(editor);
  }

  // --- Wiring ----------------------------------------------------------------------------
  function enhanceOne(editor) {
    editor.dataset.enhanced = "1";
    const p = parts(editor);
    const toolbar = editor.querySelector("[data-md-toolbar]");
    const tablist = editor.querySelector("[data-md-tabs]");
    if (!p.textarea || !toolbar || !tablist) return;
    toolbar.hidden = false;
    tablist.hidden = false;
    p.write.setAttribute("role", "tabpanel");
    p.write.setAttribute("aria-labelledby", p.textarea.id + "-write-tab");
    let timer = null;

    toolbar.addEventListener("mousedown", function (event) {
      // Keep the selection in the textarea while a button is pressed.
      if (event.target.closest("[data-md-action]")) event.preventDefault();
    });
    toolbar.addEventListener("click", function (event) {
      const button = event.target.closest("[data-md-action]");
      if (button) apply(p.textarea, button.dataset.mdAction);
    });
    // A toolbar is one tab stop; arrow keys move between its buttons.
    toolbar.addEventListener("keydown", function (event) {
      const buttons = Array.from(toolbar.querySelectorAll("[data-md-action]"));
      let index = buttons.indexOf(document.activeElement);
      if (index === -1) return;
      if (event.key === "ArrowRight") index = (index + 1) % buttons.length;
      else if (event.key === "ArrowLeft") index = (index - 1 + buttons.length) % buttons.length;
      else if (event.key === "Home") index = 0;
      else if (event.key === "End") index = buttons.length - 1;
      else return;
      event.preventDefault();
      buttons.forEach(function (b, i) { b.tabIndex = i === index ? 0 : -1; });
      buttons[index].focus();
    });
    p.textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const key = event.key.toLowerCase();
      if (key !== "b" && key !== "i") return;
      event.preventDefault();
      apply(p.textarea, key === "b" ? "bold" : "italic");
    });
    p.textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { refreshPreview(editor); }, PREVIEW_DELAY);
    });
    tablist.addEventListener("click", function (event) {
      const tab = event.target.closest("[data-md-tab]");
      if (!tab) return;
      select(editor, tab.dataset.mdTab);
      // A pointer click on Write goes on typing; arrow keys (app.js) keep focus on the tabs.
      if (tab.dataset.mdTab === "write" && event.detail > 0) p.textarea.focus();
    });
  }

  function enhance(root) {
    const scope = root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-md-editor]:not([data-enhanced])")) enhanceOne(scope);
    scope.querySelectorAll("[data-md-editor]:not([data-enhanced])").forEach(enhanceOne);
  }

  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });
  window.__mhMarkdown = { enhance: enhance, apply: apply };
  enhance(document);
})();
