// The availability page's week editor (progressive enhancement over a plain POST
// form): show/hide a day's ranges with its switch, add/remove ranges, copy a day's
// hours to other days, quick presets. Nothing is saved until "Save availability".
// Loaded by the page (also after htmx swaps): enhances whatever editor appears.
(function () {
  "use strict";
  const PRESETS = {
    weekdays: { days: [0, 1, 2, 3, 4], ranges: [["09:00", "17:00"]], label: "Weekdays 9–17" },
    evenings: { days: [0, 1, 2, 3, 4], ranges: [["18:00", "21:00"]], label: "Evenings 18–21" },
    clear: { days: [], ranges: [["09:00", "17:00"]], label: "Clear" },
  };

  function days(editor) {
    return Array.from(editor.querySelectorAll("[data-day]"));
  }

  function dayOf(editor, weekday) {
    return editor.querySelector('[data-day="' + weekday + '"]');
  }

  function announce(editor, text) {
    const status = document.getElementById("availability-status");
    if (status) status.textContent = text;
    const unsaved = editor.querySelector("[data-unsaved]");
    if (unsaved) unsaved.hidden = false;
  }

  function sync(day) {
    const on = day.querySelector("[data-day-toggle]").checked;
    day.querySelector("[data-day-body]").hidden = !on;
    day.querySelector("[data-off-note]").hidden = on;
    day.querySelectorAll("[data-remove-range]").forEach(function (button) { button.hidden = false; });
  }

  function addRow(editor, day, start, end) {
    const template = editor.querySelector("[data-range-template]");
    const row = template.content.firstElementChild.cloneNode(true);
    const weekday = day.dataset.day;
    const name = day.dataset.dayName;
    const startInput = row.querySelector("[data-start]");
    const endInput = row.querySelector("[data-end]");
    startInput.name = "day-" + weekday + "-start";
    endInput.name = "day-" + weekday + "-end";
    startInput.setAttribute("aria-label", name + " from");
    endInput.setAttribute("aria-label", name + " to");
    row.querySelector("[data-remove-range]").setAttribute("aria-label", "Remove this " + name + " range");
    startInput.value = start;
    endInput.value = end;
    day.querySelector("[data-ranges]").appendChild(row);
    return row;
  }

  function setRanges(editor, day, on, ranges) {
    day.querySelector("[data-ranges]").replaceChildren();
    ranges.forEach(function (r) { addRow(editor, day, r[0], r[1]); });
    day.querySelector("[data-day-toggle]").checked = on;
    sync(day);
  }

  function rangesOf(day) {
    return Array.from(day.querySelectorAll("[data-range]")).map(function (row) {
      const inputs = row.querySelectorAll("input[type=time]");
      return [inputs[0].value, inputs[1].value];
    });
  }

  function plusHour(value) {
    const parts = (value || "09:00").split(":").map(Number);
    const minutes = Math.min(parts[0] * 60 + parts[1] + 60, 23 * 60 + 55);
    return String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
  }

  function onAdd(editor, day) {
    const ranges = rangesOf(day);
    const last = ranges.length ? ranges[ranges.length - 1][1] : "09:00";
    const row = addRow(editor, day, last, plusHour(last));
    sync(day);
    row.querySelector("input").focus();
    announce(editor, day.dataset.dayName + ": range added (not saved yet).");
  }

  function onRemove(editor, day, row) {
    const count = day.querySelectorAll("[data-range]").length;
    if (count <= 1) {
      day.querySelector("[data-day-toggle]").checked = false;
      sync(day);
      day.querySelector("[data-day-toggle]").focus();
    } else {
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      next.querySelector("input").focus();
    }
    announce(editor, day.dataset.dayName + ": range removed (not saved yet).");
  }

  function copyTo(editor, source, targets) {
    const on = source.querySelector("[data-day-toggle]").checked;
    const ranges = rangesOf(source);
    targets.forEach(function (weekday) { setRanges(editor, dayOf(editor, weekday), on, ranges); });
  }

  function onCopyApply(editor, day, button) {
    const menu = button.closest("[data-copy-menu]");
    const targets = Array.from(menu.querySelectorAll("[data-copy-target]:checked")).map(function (box) {
      box.checked = false;
      return box.value;
    });
    if (!targets.length) return;
    copyTo(editor, day, targets);
    menu.open = false;
    menu.querySelector("summary").focus();
    announce(editor, day.dataset.dayName + " copied to " + targets.length + " day" + (targets.length > 1 ? "s" : "") + " (not saved yet).");
  }

  function onPreset(editor, key) {
    const preset = PRESETS[key];
    days(editor).forEach(function (day) {
      const on = preset.days.indexOf(Number(day.dataset.day)) !== -1;
      setRanges(editor, day, on, on ? preset.ranges : rangesOf(day));
    });
    announce(editor, preset.label + " applied. Press Save availability to keep it.");
  }

  function onClick(editor, event) {
    const target = event.target.closest("button");
    if (!target) return;
    const day = target.closest("[data-day]");
    if (target.matches("[data-preset]")) onPreset(editor, target.dataset.preset);
    else if (target.matches("[data-copy-monday]")) {
      copyTo(editor, dayOf(editor, 0), [1, 2, 3, 4]);
      announce(editor, "Monday copied to Tuesday–Friday (not saved yet).");
    } else if (target.matches("[data-add-range]")) onAdd(editor, day);
    else if (target.matches("[data-remove-range]")) onRemove(editor, day, target.closest("[data-range]"));
    else if (target.matches("[data-copy-apply]")) onCopyApply(editor, day, target);
  }

  function enhance(root) {
    root.querySelectorAll("[data-week-editor]:not([data-enhanced])").forEach(function (editor) {
      editor.dataset.enhanced = "1";
      editor.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
      days(editor).forEach(sync);
      editor.addEventListener("click", function (event) { onClick(editor, event); });
      editor.addEventListener("change", function (event) {
        const toggle = event.target.closest("[data-day-toggle]");
        if (toggle) sync(toggle.closest("[data-day]"));
        const unsaved = editor.querySelector("[data-unsaved]");
        if (unsaved) unsaved.hidden = false;
      });
    });
  }

  enhance(document);
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
})();
