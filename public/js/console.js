/*
 * The console's only script of its own (CSP: scripts from this origin only, no inline code).
 * Countdowns to a workflow's own deadline: elements carry data-deadline (epoch ms) and are re-scanned on
 * every tick, so elements swapped in later by htmx or the SSE stream need no wiring.
 */
(function () {
  'use strict';

  function tick() {
    var now = Date.now();
    var elements = document.querySelectorAll('[data-deadline]');
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      var deadline = Number(el.getAttribute('data-deadline'));
      if (!deadline) continue;
      var left = Math.max(0, Math.ceil((deadline - now) / 1000));
      var text = left > 0 ? left + ' s' : 'no time: shipping now';
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle('countdown-urgent', left <= 10);
    }
  }

  setInterval(tick, 250);
  document.addEventListener('DOMContentLoaded', tick);
  document.addEventListener('htmx:afterSwap', tick);
  document.addEventListener('htmx:sseMessage', tick);
})();
