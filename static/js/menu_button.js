// Menu buttons (WAI-ARIA "menu button" pattern) for any
//   <div data-menu>
//     <button data-menu-button aria-haspopup="menu" aria-expanded="false" aria-controls="ID">
//     <div id="ID" role="menu" data-menu-list hidden> [role=menuitem]… </div>
// Click, Enter, Space or ↓ open it on the first item (↑ on the last); ↑/↓/Home/End
// move; Escape closes and returns focus to the button; Tab, a click outside or
// choosing an item closes it. It opens upwards when there is no room below.
// Loaded by the panels that use it, possibly again after an htmx swap: runs once.
(function () {
  "use strict";
  if (window.__mentorhubMenuButton) return;
  window.__mentorhubMenuButton = true;

  function partsOf(element) {
    const root = element && element.closest && element.closest("[data-menu]");
    if (!root) return null;
    const button = root.querySelector("[data-menu-button]");
    const list = root.querySelector("[data-menu-list]");
    return button && list ? { root: root, button: button, list: list } : null;
  }

  function items(list) {
    return Array.from(list.querySelectorAll('[role="menuitem"]')).filter(function (item) {
      return !item.disabled && item.getAttribute("aria-disabled") !== "true";
    });
  }

  function place(list) {
    // Below the button if it fits there, else above if it fits there, else where there is more room.
    list.removeAttribute("data-placement");
    const needed = list.getBoundingClientRect().height + 8; // its margin, and some air
    const button = list.parentNode.getBoundingClientRect();
    const below = window.innerHeight - button.bottom;
    const header = document.querySelector("body > * header, body > header"); // sticky: it covers the top
    const above = button.top - (header ? Math.max(0, header.getBoundingClientRect().bottom) : 0);
    if (below < needed && (above >= needed || above > below)) list.setAttribute("data-placement", "top");
  }

  function close(parts, refocus) {
    if (!parts || parts.list.hidden) return;
    parts.list.hidden = true;
    parts.button.setAttribute("aria-expanded", "false");
    if (refocus) parts.button.focus();
  }

  function closeAll(except) {
    document.querySelectorAll("[data-menu-list]:not([hidden])").forEach(function (list) {
      if (list !== except) close(partsOf(list), false);
    });
  }

  function open(parts, which) {
    closeAll(parts.list);
    parts.list.hidden = false;
    parts.button.setAttribute("aria-expanded", "true");
    place(parts.list);
    const all = items(parts.list);
    const target = which === "last" ? all[all.length - 1] : all[0];
    if (target) target.focus();
  }

  document.addEventListener("click", function (event) {
    const target = event.target;
    const button = target.closest && target.closest("[data-menu-button]");
    if (button) {
      const parts = partsOf(button);
      if (!parts) return;
      if (parts.list.hidden) open(parts, "first");
      else close(parts, true);
      return;
    }
    const item = target.closest && target.closest('[data-menu-list] [role="menuitem"]');
    if (item) {
      // The item has done its work (htmx handles its own click first): close, and
      // leave focus on the button, where a dialog opened by the item returns it.
      close(partsOf(item), true);
      return;
    }
    if (!(target.closest && target.closest("[data-menu]"))) closeAll(null);
  });

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    const button = target.closest && target.closest("[data-menu-button]");
    if (button) {
      const parts = partsOf(button);
      if (!parts) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        open(parts, event.key === "ArrowUp" ? "last" : "first");
      } else if (event.key === "Escape") {
        close(parts, true);
      }
      return;
    }
    const item = target.closest && target.closest('[data-menu-list] [role="menuitem"]');
    if (!item) return;
    const parts = partsOf(item);
    const all = items(parts.list);
    let index = all.indexOf(item);
    if (event.key === "ArrowDown") index = (index + 1) % all.length;
    else if (event.key === "ArrowUp") index = (index - 1 + all.length) % all.length;
    else if (event.key === "Home") index = 0;
    else if (event.key === "End") index = all.length - 1;
    else if (event.key === "Escape") {
      event.preventDefault();
      close(parts, true);
      return;
    } else if (event.key === "Tab") {
      close(parts, false);
      return;
    } else if (event.key === " " && item.tagName === "A") {
      event.preventDefault(); // Space activates a menu item, a link included
      item.click();
      return;
    } else return;
    event.preventDefault();
    all[index].focus();
  });

  // Focus leaving the menu and its button (a click elsewhere, a swap) closes it.
  document.addEventListener("focusout", function (event) {
    const parts = partsOf(event.target);
    if (!parts || parts.list.hidden) return;
    const next = event.relatedTarget;
    if (next && parts.root.contains(next)) return;
    if (!next) return; // a click on nothing focusable: the click handler decides
    close(parts, false);
  });
})();
