/*
 * The console's only script of its own (CSP: scripts from this origin only, no inline code).
 * Countdowns to a workflow's own deadline: elements carry data-deadline (epoch ms) and are re-scanned on
 * every tick, so elements swapped in later by htmx or the SSE stream need no wiring. Optional wording:
 * data-deadline-format ("next attempt in {s} s"; default "{s} s"), data-deadline-done (the text once the
 * time is up; default "no time: shipping now"), data-deadline-urgent (seconds left from which the
 * countdown turns red; default 10, 0 never).
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
      var format = el.getAttribute('data-deadline-format') || '{s} s';
      var done = el.getAttribute('data-deadline-done') || 'no time: shipping now';
      var text = left > 0 ? format.replace('{s}', String(left)) : done;
      if (el.textContent !== text) el.textContent = text;
      var urgent = el.hasAttribute('data-deadline-urgent') ? Number(el.getAttribute('data-deadline-urgent')) : 10;
      el.classList.toggle('countdown-urgent', left <= urgent && urgent > 0);
    }
  }

  setInterval(tick, 250);
  document.addEventListener('DOMContentLoaded', tick);
  document.addEventListener('htmx:afterSwap', tick);
  document.addEventListener('htmx:sseMessage', tick);

  // Presenter preferences (see prefs.js, which applies them before the first paint).
  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem('order-demo.' + key);
      else window.localStorage.setItem('order-demo.' + key, value);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }
  function currentTheme() {
    var set = document.documentElement.getAttribute('data-theme');
    if (set) return set;
    return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  function showPrefs() {
    var projector = document.documentElement.getAttribute('data-projector') === 'on';
    var buttons = document.querySelectorAll('[data-pref]');
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      if (b.getAttribute('data-pref') === 'projector') b.setAttribute('aria-pressed', projector ? 'true' : 'false');
      else {
        var label = currentTheme() === 'dark' ? 'Light theme' : 'Dark theme';
        var long = b.querySelector('.pref-long');
        if (long) long.textContent = label;
        b.setAttribute('aria-label', label);
      }
    }
  }
  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target.closest('[data-pref]') : null;
    if (!target) return;
    var root = document.documentElement;
    if (target.getAttribute('data-pref') === 'projector') {
      var on = root.getAttribute('data-projector') !== 'on';
      if (on) root.setAttribute('data-projector', 'on');
      else root.removeAttribute('data-projector');
      store('projector', on ? 'on' : null);
    } else {
      var next = currentTheme() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      store('theme', next);
    }
    showPrefs();
  });

  // Keyboard shortcuts on the home page: 1–9 start a scenario, ? lists them. Never while typing.
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var el = document.activeElement;
    if (el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)) return;
    var dialog = document.getElementById('shortcuts');
    if (event.key === '?' && dialog && typeof dialog.showModal === 'function') {
      event.preventDefault();
      if (dialog.open) dialog.close();
      else dialog.showModal();
      return;
    }
    if (dialog && dialog.open) return;
    var button = /^[1-9]$/.test(event.key) ? document.querySelector('[data-shortcut="' + event.key + '"]') : null;
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  document.addEventListener('DOMContentLoaded', showPrefs);
  // The system's theme changed (prefs.js follows it when nothing was picked): relabel the toggle.
  if (window.matchMedia) {
    var systemDark = window.matchMedia('(prefers-color-scheme: dark)');
    if (systemDark.addEventListener) systemDark.addEventListener('change', function () { setTimeout(showPrefs, 0); });
  }
})();

/*
 * "Show the code" on the order page (views/partials/code-view.eta): the toggle is remembered in this browser;
 * its regions ([data-code-region]) poll only while it is open, and refresh at once when it opens.
 */
(function () {
  'use strict';
  var KEY = 'order-demo.show-code';
  var restoring = false;
  var scrollPending = false;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === 'open'; } catch (e) { return false; }
  }
  function remember(open) {
    try {
      if (open) window.localStorage.setItem(KEY, 'open');
      else window.localStorage.removeItem(KEY);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }

  // A closed toggle: its regions' requests (first load, every 1 s) are cancelled before they leave.
  document.addEventListener('htmx:beforeRequest', function (event) {
    var region = event.target instanceof Element ? event.target.closest('[data-code-region]') : null;
    var toggle = region ? region.closest('details') : null;
    if (toggle && !toggle.open) event.preventDefault();
  });

  // 'toggle' does not bubble: listen in the capture phase.
  document.addEventListener('toggle', function (event) {
    var toggle = event.target;
    if (!(toggle instanceof HTMLDetailsElement) || toggle.id !== 'code-toggle') return;
    remember(toggle.open);
    if (!toggle.open) return;
    var regions = toggle.querySelectorAll('[data-code-region][hx-get]');
    for (var i = 0; i < regions.length; i++) {
      if (window.htmx) window.htmx.trigger(regions[i], 'refresh');
    }
    // Opened by the presenter: bring it into view, again once the code has loaded (the page grows then).
    if (!restoring) {
      scrollPending = true;
      toggle.scrollIntoView({ block: 'start', behavior: 'smooth' });
    }
    restoring = false;
  }, true);

  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!scrollPending || !target || target.id !== 'code-view') return;
    scrollPending = false;
    var toggle = document.getElementById('code-toggle');
    if (toggle) toggle.scrollIntoView({ block: 'start', behavior: 'smooth' });
  });

  document.addEventListener('DOMContentLoaded', function () {
    var toggle = document.getElementById('code-toggle');
    if (toggle && !toggle.open && remembered()) {
      restoring = true;
      toggle.open = true;
    }
  });
})();

/*
 * The live order stream. A browser that loses it reconnects by itself, sending the id of the last event it
 * got (the digests of what it shows), so the console sends exactly what changed meanwhile. When htmx opens
 * a new stream instead (after an error closed the old one) it reads sse-connect again: keep that URL's
 * `seen` at what the page shows too, not at what it was first rendered with.
 */
(function () {
  'use strict';
  document.addEventListener('htmx:sseMessage', function (event) {
    var id = event.detail && event.detail.lastEventId;
    var source = event.target instanceof Element ? event.target.closest('[sse-connect]') : null;
    var url = source ? source.getAttribute('sse-connect') : null;
    if (!id || !url) return;
    source.setAttribute('sse-connect', url.replace(/([?&]seen=)[^&]*/, '$1' + encodeURIComponent(id)));
  });
})();
