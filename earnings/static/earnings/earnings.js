// Earnings tab: when a payout notification arrives (operator marked it paid or
// failed), refresh the balance cards and the payout history in place.
// Loaded by the Earnings panel; guards against running twice.
(function () {
  "use strict";
  if (window.__mentorhubEarningsJs) return;
  window.__mentorhubEarningsJs = true;

  const EARNINGS_URL = "/mentor/dashboard/earnings/";
  let pending = null;

  document.addEventListener("notifications:received", function (event) {
    const message = event.detail || {};
    if (message.url !== EARNINGS_URL) return;
    if (!document.getElementById("earnings-summary") || !window.htmx) return;
    // Several notifications in a burst (catch-up) → one refresh.
    clearTimeout(pending);
    pending = setTimeout(function () {
      window.htmx.ajax("GET", EARNINGS_URL + "live/", { target: "#payout-flash", swap: "none" });
    }, 150);
  });
})();
