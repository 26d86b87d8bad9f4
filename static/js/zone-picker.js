// Searchable time-zone picker: an ARIA 1.2 combobox (text input + listbox) built
// over a server-rendered <select data-zone-picker> whose options read
// "São Paulo (GMT−3)" with the IANA id as value. Without JS the select works on
// its own; with JS it stays in the form, hidden, and still posts the zone id (or
// the typed text, which the server then refuses next to the field).
// Loaded by the page (also after htmx swaps): enhances whatever appears.
(function () {
  "use strict";
  if (window.__mhZonePicker) {
    window.__mhZonePicker(document);
    return;
  }
  let seq = 0;
  const ACTIVE = ["bg-indigo-600", "text-white"];
  const CHEVRON = '<svg aria-hidden="true" viewBox="0 0 20 20" class="h-5 w-5" fill="currentColor"><path d="M5.3 7.3a1 1 0 011.4 0L10 10.6l3.3-3.3a1 1 0 111.4 1.4l-4 4a1 1 0 01-1.4 0l-4-4a1 1 0 010-1.4z"/></svg>';

  // --- Search ---------------------------------------------------------------------------
  // "São Paulo (GMT−3)" → "sao paulo (gmt-3)": accents, real minus and case don't matter.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\u2212/g, "-").toLowerCase();
  }

  function tokens(query) {
    return fold(query).replace(/\b(utc|gmt) ?(?=[+-])/g, "gmt").split(/[\s,()]+/).filter(Boolean);
  }

  function zonesOf(select) {
    return Array.from(select.querySelectorAll("option")).filter(function (o) { return o.value && !o.dataset.typed; }).map(function (o) {
      const label = o.textContent.trim();
      const region = o.parentElement.tagName === "OPTGROUP" ? o.parentElement.label : "";
      const country = o.dataset.country || "";
      return {
        id: o.value, label: label, country: country, key: fold(label),
        hay: fold([label, country, o.value.replace(/[/_]/g, " "), region].join(" ")),
      };
    });
  }

  function matches(zones, query) {
    const words = tokens(query);
    if (!words.length) return zones;
    const found = zones.filter(function (z) {
      return words.every(function (w) { return z.hay.includes(w); });
    });
    // Zones whose name starts with what was typed come first.
    const starts = function (z) { return z.key.startsWith(words[0]); };
    return found.filter(starts).concat(found.filter(function (z) { return !starts(z); }));
  }

  // --- Markup ---------------------------------------------------------------------------
  function element(tag, className, attrs) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    Object.entries(attrs || {}).forEach(function ([name, value]) { el.setAttribute(name, value); });
    return el;
  }

  // The input takes over the select's id (so its <label> names it), look and descriptions.
  function build(select) {
    const listId = "zone-list-" + (++seq);
    const input = element("input", select.className.replace(/\b(mt-1|bg-white)\b/g, "") + " bg-white pr-11", {
      type: "text", id: select.id, role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": listId, autocomplete: "off", autocapitalize: "off", spellcheck: "false",
    });
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) input.setAttribute(name, select.getAttribute(name));
    });
    const toggle = element("button", "absolute inset-y-0 right-0 flex w-11 items-center justify-center text-slate-500 hover:text-slate-800",
      { type: "button", tabindex: "-1", "aria-label": "Show all time zones" });
    toggle.innerHTML = CHEVRON;
    const list = element("ul", "absolute inset-x-0 top-full z-30 mt-1 hidden max-h-72 overflow-y-auto overscroll-contain rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg",
      { id: listId, role: "listbox" });
    const label = document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      label.id = label.id || select.id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    const wrap = element("div", "relative mt-1");
    const empty = element("p", "mt-1 hidden text-sm text-slate-600");
    const status = element("p", "sr-only", { role: "status" });
    select.id += "-select";
    select.className = "hidden";
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.removeAttribute("aria-describedby");
    select.before(wrap);
    wrap.append(input, toggle, list);
    wrap.after(empty);
    empty.after(status);
    const p = { select: select, input: input, toggle: toggle, list: list, empty: empty, status: status,
      shown: [], active: -1 };
    // The ~420 zones are read and folded on first use (typing, opening, leaving
    // the field), not each time the Profile tab is shown (#19).
    let zones = null;
    Object.defineProperty(p, "zones", { get: function () { return zones || (zones = zonesOf(select)); } });
    return p;
  }

  function optionItem(p, zone, index) {
    const li = element("li", "flex min-h-11 cursor-pointer items-center justify-between gap-3 px-3 py-2 hover:bg-indigo-50",
      { id: p.list.id + "-" + index, role: "option", "aria-selected": "false", "data-index": String(index) });
    const name = element("span", "min-w-0 break-words font-medium");
    name.textContent = zone.label;
    li.append(name);
    if (zone.country) {
      const country = element("span", "shrink-0 text-xs opacity-80");
      country.textContent = zone.country;
      li.append(country);
    }
    return li;
  }

  // --- State ----------------------------------------------------------------------------
  function chosen(p) {
    return p.zones.find(function (z) { return z.id === p.select.value; });
  }

  function untouched(p) {
    return !chosen(p) || p.input.value === chosen(p).label;
  }

  function isOpen(p) {
    return p.input.getAttribute("aria-expanded") === "true";
  }

  function setActive(p, i) {
    const items = p.list.children;
    if (items[p.active]) {
      items[p.active].classList.remove(...ACTIVE);
      items[p.active].setAttribute("aria-selected", "false");
    }
    p.active = items[i] ? i : -1;
    if (p.active < 0) return p.input.removeAttribute("aria-activedescendant");
    items[i].classList.add(...ACTIVE);
    items[i].setAttribute("aria-selected", "true");
    p.input.setAttribute("aria-activedescendant", items[i].id);
    items[i].scrollIntoView({ block: "nearest" });
  }

  // `all`: the whole list with the current zone active (opened by the button or arrow keys).
  function open(p, all) {
    const query = p.input.value.trim();
    p.shown = all ? p.zones : matches(p.zones, query);
    p.list.replaceChildren(...p.shown.map(function (z, i) { return optionItem(p, z, i); }));
    p.active = -1;
    p.input.removeAttribute("aria-activedescendant");
    const count = p.shown.length;
    p.empty.textContent = count ? "" : "No time zone matches “" + query + "”. Try a city, a country or an offset like GMT−3.";
    p.empty.classList.toggle("hidden", count > 0);
    p.status.textContent = count === 1 ? "1 time zone" : count + " time zones";
    p.list.classList.toggle("hidden", count === 0);
    p.input.setAttribute("aria-expanded", count ? "true" : "false");
    if (all) setActive(p, p.shown.indexOf(chosen(p)));
  }

  function close(p) {
    p.list.classList.add("hidden");
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
    p.active = -1;
  }

  function setValue(p, value) {
    const changed = p.select.value !== value;
    p.select.value = value;
    if (changed) p.select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function choose(p, zone) {
    p.select.querySelectorAll("option[data-typed]").forEach(function (o) { o.remove(); });
    p.input.value = zone.label;
    p.empty.classList.add("hidden");
    close(p);
    setValue(p, zone.id);
  }

  // Typed text that was not picked: an exact name or id, or the only match, is
  // taken; anything else is posted as typed, for the server to refuse.
  function commit(p) {
    const text = p.input.value.trim();
    if (chosen(p) && text === chosen(p).label) return;
    const exact = p.zones.find(function (z) { return z.key === fold(text) || fold(z.id) === fold(text); });
    const found = text ? matches(p.zones, text) : [];
    if (exact || found.length === 1) return choose(p, exact || found[0]);
    let typed = p.select.querySelector("option[data-typed]");
    if (!typed) {
      typed = element("option", "", { "data-typed": "1" });
      p.select.prepend(typed);
    }
    typed.value = typed.textContent = text;
    setValue(p, text);
  }

  // --- Events ---------------------------------------------------------------------------
  function onKey(p, event) {
    const key = event.key;
    if (key === "ArrowDown" || key === "ArrowUp") {
      event.preventDefault();
      if (!isOpen(p)) return open(p, untouched(p));
      const next = p.active + (key === "ArrowDown" ? 1 : -1);
      setActive(p, Math.max(0, Math.min(p.shown.length - 1, next)));
    } else if (key === "Enter" && isOpen(p)) {
      event.preventDefault(); // choose; don't submit the form
      const pick = p.shown[Math.max(p.active, 0)];
      if (pick) choose(p, pick);
    } else if (key === "Escape" && isOpen(p)) {
      event.preventDefault();
      event.stopPropagation(); // inside a dialog: close the list, not the dialog
      close(p);
    } else if (key === "Tab" && isOpen(p) && p.active >= 0) {
      choose(p, p.shown[p.active]);
    }
  }

  function wire(p) {
    const input = p.input;
    input.addEventListener("input", function () { open(p, false); });
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("click", function () { if (!isOpen(p)) open(p, untouched(p)); });
    input.addEventListener("keydown", function (event) { onKey(p, event); });
    // A press on the list or the button keeps the focus here; any other blur commits.
    input.addEventListener("blur", function () { close(p); commit(p); });
    [p.list, p.toggle].forEach(function (el) {
      el.addEventListener("mousedown", function (event) { event.preventDefault(); });
    });
    p.list.addEventListener("click", function (event) {
      const li = event.target.closest("[role=option]");
      if (li) choose(p, p.shown[Number(li.dataset.index)]);
    });
    p.toggle.addEventListener("click", function () {
      if (isOpen(p)) return close(p);
      input.focus();
      open(p, true);
    });
    if (p.select.form) p.select.form.addEventListener("submit", function () { commit(p); }, true);
  }

  function enhance(select) {
    if (select.dataset.zoneEnhanced) return;
    select.dataset.zoneEnhanced = "1";
    const p = build(select);
    const current = select.selectedOptions[0];
    p.input.value = select.dataset.zoneTyped || (current && current.value ? current.textContent.trim() : "");
    wire(p);
  }

  function enhanceAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("select[data-zone-picker]").forEach(enhance);
  }
  window.__mhZonePicker = enhanceAll;
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail.elt.parentNode || document); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  else enhanceAll(document);
})();
