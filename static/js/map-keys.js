/* A world map's country links as one stop of the Tab key (a roving tabindex): Tab reaches the
   first country, the arrow keys move between them, Home and End go to the first and last, Enter
   opens one. Without this script every country is its own stop, after a "Skip the map" link. */
(function () {
  "use strict";
  if (window.portalMapKeys) return; // Loaded once per map on the page: set up once.
  window.portalMapKeys = true;

  function setUp(figure) {
    var links = Array.prototype.slice.call(figure.querySelectorAll("svg a"));
    if (links.length < 2) return;
    links.forEach(function (link, index) { link.setAttribute("tabindex", index === 0 ? "0" : "-1"); });
    figure.addEventListener("keydown", function (event) {
      var current = links.indexOf(document.activeElement);
      if (current === -1) return;
      var next = {
        ArrowRight: current + 1, ArrowDown: current + 1,
        ArrowLeft: current - 1, ArrowUp: current - 1,
        Home: 0, End: links.length - 1
      }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      next = (next + links.length) % links.length;
      links[current].setAttribute("tabindex", "-1");
      links[next].setAttribute("tabindex", "0");
      links[next].focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure[data-map-keys]").forEach(setUp);
  });
})();
