/*
 * The presenter's display choices, remembered in this browser: projector-size type and a light or dark theme
 * (otherwise the system's, which the stylesheet then follows through data-theme too). Loaded in <head>, before the first paint, so a reload never flashes the wrong theme.
 */
(function () {
  'use strict';
  var root = document.documentElement;
  function read(key) {
    try { return window.localStorage.getItem('order-demo.' + key); } catch (e) { return null; }
  }
  var theme = read('theme');
  if (theme === 'light' || theme === 'dark') {
    root.setAttribute('data-theme', theme);
  } else if (window.matchMedia) {
    // No choice made: follow the system, also when it changes (a laptop switching to dark at dusk).
    var dark = window.matchMedia('(prefers-color-scheme: dark)');
    var follow = function () {
      if (!read('theme')) root.setAttribute('data-theme', dark.matches ? 'dark' : 'light');
    };
    follow();
    if (dark.addEventListener) dark.addEventListener('change', follow);
  }
  if (read('projector') === 'on') root.setAttribute('data-projector', 'on');
})();
