/*
 * The presenter's display choices, remembered in this browser: projector-size type and a light or dark theme
 * (otherwise the system's). Loaded in <head>, before the first paint, so a reload never flashes the wrong theme.
 */
(function () {
  'use strict';
  var root = document.documentElement;
  function read(key) {
    try { return window.localStorage.getItem('order-demo.' + key); } catch (e) { return null; }
  }
  var theme = read('theme');
  if (theme === 'light' || theme === 'dark') root.setAttribute('data-theme', theme);
  if (read('projector') === 'on') root.setAttribute('data-projector', 'on');
})();
