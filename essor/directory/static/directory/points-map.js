// Draws the points of every [data-points] element with Leaflet (vendored under
// static/vendor/leaflet/). Each map has a text list next to it: the map is a visual extra.
(function () {
  "use strict";
  function draw(element) {
    var points;
    try {
      points = JSON.parse(element.getAttribute("data-points") || "[]");
    } catch (error) {
      return;
    }
    if (!window.L || !points.length) {
      element.hidden = true;
      return;
    }
    var map = window.L.map(element, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    // No tile server unless one is configured (ESSOR_MAP_TILES_URL): no request leaves the site.
    var tiles = element.getAttribute("data-tiles-url");
    if (tiles) {
      window.L.tileLayer(tiles, { maxZoom: 18, attribution: "Fond de carte configuré" }).addTo(map);
    }
    var bounds = [];
    points.forEach(function (point) {
      var marker = window.L.marker([point.lat, point.lon], { title: point.name }).addTo(map);
      var label = document.createElement(point.url ? "a" : "span");
      label.textContent = point.name;
      if (point.url) label.href = point.url;
      marker.bindPopup(label);
      bounds.push([point.lat, point.lon]);
    });
    if (bounds.length === 1) map.setView(bounds[0], 15);
    else map.fitBounds(bounds, { padding: [20, 20] });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-points]").forEach(draw);
  });
})();
