// Profile tab: instant picture preview with early problems, upload progress,
// unsaved-changes warning, headline counter, tag editor (the bio editor is
// static/js/markdown_editor.js).
// Loaded by the tab (also after htmx swaps): global listeners are installed
// once; widgets are enhanced whenever new content appears (htmx:load).
(function () {
  "use strict";
  if (window.__mhProfile) {
    window.__mhProfile.enhance(document);
    return;
  }

  const MAX_BYTES = 5 * 1024 * 1024;
  const MAX_PIXELS = 25000000;
  const TYPES = ["image/jpeg", "image/png", "image/webp"];
  let dirty = false;
  let previewUrl = null;

  function form() { return document.getElementById("profile-form"); }
  function statusBox() { return document.getElementById("profile-save-status"); }

  function setStatus(text, tone) {
    const box = statusBox();
    if (!box) return;
    box.textContent = "";
    const span = document.createElement("span");
    span.className = tone === "warn" ? "text-amber-800" : "text-slate-700";
    span.textContent = text;
    box.append(span);
  }

  function markDirty() {
    if (!form()) return;
    if (!dirty) setStatus("Unsaved changes", "warn");
    dirty = true;
  }

  // --- Picture ---------------------------------------------------------------------------
  function mb(bytes) { return (bytes / 1024 / 1024).toFixed(1) + " MB"; }

  function pictureProblem(message) {
    const field = document.querySelector("[data-picture-field]");
    if (!field) return;
    const box = field.querySelector("[data-picture-problem]");
    const input = field.querySelector("[data-picture-input]");
    box.textContent = message || "";
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function showPreview(url) {
    const field = document.querySelector("[data-picture-field]");
    const imgs = document.querySelectorAll("[data-picture-preview], [data-card-preview]");
    imgs.forEach(function (img) {
      if (url) { img.src = url; img.classList.remove("hidden"); }
      else { img.removeAttribute("src"); img.classList.add("hidden"); }
    });
    if (field) {
      const pending = field.querySelector("[data-picture-pending]");
      if (pending) pending.classList.toggle("hidden", !url);
    }
  }

  function clearPicture(input, message) {
    input.value = "";
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    showPreview(null);
    pictureProblem(message);
  }

  function onPictureChosen(input) {
    const file = input.files && input.files[0];
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
    pictureProblem("");
    if (!file) { showPreview(null); return; }
    if (TYPES.indexOf(file.type) === -1) {
      clearPicture(input, "“" + file.name + "” isn't a JPEG, PNG or WebP image. Choose another file.");
      return;
    }
    if (file.size > MAX_BYTES) {
      clearPicture(input, "“" + file.name + "” is " + mb(file.size) + "; the limit is 5 MB. Choose a smaller file.");
      return;
    }
    const url = URL.createObjectURL(file);
    previewUrl = url;
    const probe = new Image();
    probe.addEventListener("load", function () {
      if (previewUrl !== url) return;
      if (probe.naturalWidth * probe.naturalHeight > MAX_PIXELS) {
        clearPicture(input, "This image is " + probe.naturalWidth + " × " + probe.naturalHeight +
          " pixels; the limit is 25 megapixels.");
      }
    });
    probe.addEventListener("error", function () {
      if (previewUrl !== url) return;
      clearPicture(input, "“" + file.name + "” can't be read as an image. Choose another file.");
    });
    probe.src = url;
    showPreview(url);
    markDirty();
  }

  // --- Tag editor ------------------------------------------------------------------------
  function enhanceTags(root) {
    root.querySelectorAll("[data-tag-editor]:not([data-enhanced])").forEach(function (box) {
      box.dataset.enhanced = "1";
      const source = box.querySelector("[data-tag-source]");
      const label = box.querySelector("label");
      const max = parseInt(box.dataset.max, 10) || 15;
      const maxLength = parseInt(box.dataset.maxLength, 10) || 40;
      const name = box.dataset.label;
      let tags = source.value.split(",").map(function (t) { return t.trim(); }).filter(Boolean);

      const wrap = document.createElement("div");
      wrap.className = "mt-1 flex flex-wrap items-center gap-1.5 rounded-md border border-slate-300 bg-white p-1.5 focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/30";
      if (source.getAttribute("aria-invalid")) wrap.classList.replace("border-slate-300", "border-rose-500");
      const list = document.createElement("ul");
      list.className = "flex flex-wrap items-center gap-1.5 empty:hidden";
      list.setAttribute("aria-label", name + " tags");
      const entry = document.createElement("input");
      entry.type = "text";
      entry.id = source.id + "-entry";
      entry.placeholder = box.dataset.placeholder || "Add";
      entry.className = "min-h-11 min-w-32 flex-1 border-0 bg-transparent px-2 text-base focus:outline-none";
      entry.setAttribute("aria-describedby", source.getAttribute("aria-describedby") + " " + source.id + "-count");
      entry.setAttribute("enterkeyhint", "enter");
      const count = document.createElement("p");
      count.id = source.id + "-count";
      count.className = "mt-1 text-xs text-slate-500";
      count.setAttribute("aria-live", "polite");
      wrap.append(list, entry);
      source.classList.add("hidden");
      source.setAttribute("aria-hidden", "true");
      source.tabIndex = -1;
      source.after(wrap, count);
      label.htmlFor = entry.id;

      function sync(message) {
        list.textContent = "";
        tags.forEach(function (tag, index) {
          const li = document.createElement("li");
          li.className = "inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-3 pr-1 text-sm font-medium text-indigo-800 ring-1 ring-indigo-100";
          const text = document.createElement("span");
          text.textContent = tag;
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "inline-flex h-8 w-8 items-center justify-center rounded-full hover:bg-indigo-100 focus-visible:outline-2";
          remove.setAttribute("aria-label", "Remove " + tag);
          remove.textContent = "×";
          remove.addEventListener("click", function () {
            tags.splice(index, 1);
            update("Removed " + tag + ".");
            entry.focus();
          });
          li.append(text, remove);
          list.append(li);
        });
        count.textContent = (message ? message + " " : "") + tags.length + " of " + max + " added.";
      }
      function update(message) {
        source.value = tags.join(", ");
        sync(message);
        source.dispatchEvent(new Event("input", { bubbles: true }));
      }
      function add(raw) {
        const parts = raw.split(",").map(function (t) { return t.replace(/\s+/g, " ").trim(); }).filter(Boolean);
        let message = "";
        parts.forEach(function (tag) {
          if (tags.some(function (t) { return t.toLowerCase() === tag.toLowerCase(); })) { message = "“" + tag + "” is already there."; return; }
          if (tag.length > maxLength) { message = "Tags can be at most " + maxLength + " characters."; return; }
          if (tags.length >= max) { message = "You can add up to " + max + "."; return; }
          tags.push(tag);
          message = "Added " + tag + ".";
        });
        entry.value = "";
        update(message);
      }
      entry.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === ",") {
          event.preventDefault();
          if (entry.value.trim()) add(entry.value);
        } else if (event.key === "Backspace" && !entry.value && tags.length) {
          const removed = tags.pop();
          update("Removed " + removed + ".");
        }
      });
      // Typing in the entry is not itself a change of the saved value.
      entry.addEventListener("input", function (event) { event.stopPropagation(); });
      entry.addEventListener("blur", function () { if (entry.value.trim()) add(entry.value); });
      sync("");
    });
  }

  // --- Counters --------------------------------------------------------------------------
  function updateCounter(counter) {
    const input = document.getElementById(counter.dataset.counterFor);
    if (!input) return;
    const limit = parseInt(counter.dataset.limit, 10);
    const length = input.value.trim().length;
    counter.textContent = length + " / " + limit;
    counter.classList.toggle("text-rose-700", length > limit);
    counter.classList.toggle("font-semibold", length > limit);
  }

  function enhance(root) {
    enhanceTags(root);
    root.querySelectorAll("[data-counter-for]").forEach(updateCounter);
  }

  // --- Global listeners (installed once) -------------------------------------------------
  document.addEventListener("input", function (event) {
    if (!event.target.closest || !event.target.closest("#profile-form")) return;
    if (event.target.matches("[data-picture-input]")) return;
    markDirty();
    const counter = document.querySelector('[data-counter-for="' + event.target.id + '"]');
    if (counter) updateCounter(counter);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-picture-input]")) onPictureChosen(event.target);
    else if (event.target.closest && event.target.closest("#profile-form")) markDirty();
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && form()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!dirty) return;
    if (!form()) { dirty = false; return; }
    const target = event.detail.target;
    const leaving = target && target.id === "tab-panel";
    if (!leaving) return;
    if (window.confirm("You have unsaved changes on your profile. Leave without saving them?")) {
      dirty = false;
    } else {
      event.preventDefault();
    }
  });

  // Upload progress while the form (with a picture) is being sent.
  function progressBox() { return document.querySelector("[data-upload-progress]"); }
  document.addEventListener("htmx:xhr:progress", function (event) {
    if (event.target.id !== "profile-form") return;
    const input = event.target.querySelector("[data-picture-input]");
    const box = progressBox();
    if (!box || !input || !input.files || !input.files.length) return;
    const detail = event.detail;
    if (!detail.lengthComputable && !detail.total) return;
    box.classList.remove("hidden");
    box.classList.add("flex");
    box.querySelector("progress").value = Math.round((detail.loaded / detail.total) * 100);
  });
  // The form is swapped out by its own answer, so htmx re-fires these events on
  // an ancestor: recognise our request by its config, not by event.target.
  function fromForm(detail) {
    const config = detail.requestConfig;
    const elt = (config && config.elt) || detail.elt;
    return Boolean(elt && elt.id === "profile-form");
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!fromForm(event.detail)) return;
    const box = progressBox();
    if (box) { box.classList.add("hidden"); box.classList.remove("flex"); }
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 200 || status === 422) {
      // The form was re-rendered: its file input is empty again.
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = null;
    }
    if (status === 200) dirty = false;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    if (!target) return;
    if (target.id === "profile-preview" && previewUrl) {
      target.querySelectorAll("[data-card-preview]").forEach(function (img) {
        img.src = previewUrl;
        img.classList.remove("hidden");
      });
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    // After a rejected save, move focus to the first field with a problem.
    if (event.detail.xhr && event.detail.xhr.status === 422 && fromForm(event.detail)) {
      const bad = document.querySelector('#profile-form [aria-invalid="true"]');
      const focusable = bad && bad.classList.contains("hidden") ? document.getElementById(bad.id + "-entry") : bad;
      if (focusable) focusable.focus();
    }
  });
  document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });

  window.__mhProfile = { enhance: enhance, isDirty: function () { return dirty; } };
  enhance(document);
})();
