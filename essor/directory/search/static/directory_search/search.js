/* Directory search: suggestions combobox, map (Leaflet, no tile server by default), list/map
   sync, list/map toggle on small screens. The list works without this file. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // --- suggestions as you type (combobox with a listbox) ----------------------------------
  function setupCombobox() {
    var input = document.getElementById("ds-q");
    var list = document.getElementById("ds-suggestions");
    if (!input || !list) return;
    var active = -1;
    function options() { return Array.prototype.slice.call(list.querySelectorAll("[role=option]:not([aria-disabled])")); }
    function setActive(index) {
      var opts = options();
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && opts[index]) input.setAttribute("aria-activedescendant", opts[index].id);
      else input.removeAttribute("aria-activedescendant");
    }
    function close() { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); setActive(-1); }
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === list) {
        input.setAttribute("aria-expanded", list.children.length ? "true" : "false");
        setActive(-1);
      }
    });
    input.addEventListener("keydown", function (event) {
      var opts = options();
      if (event.key === "ArrowDown" && opts.length) {
        event.preventDefault(); setActive((active + 1) % opts.length);
      } else if (event.key === "ArrowUp" && opts.length) {
        event.preventDefault(); setActive(active <= 0 ? opts.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && opts[active]) {
        event.preventDefault();
        window.location.href = opts[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        close();
      } else if (event.key === "Enter") {
        close();
      }
    });
    list.addEventListener("mousedown", function (event) {
      var a = event.target.closest("a");
      if (a) window.location.href = a.href;
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  // --- list / map toggle ---------------------------------------------------------------------
  var map = null;
  function setupToggle() {
    var layout = document.querySelector(".ds-layout");
    if (!layout) return;
    layout.querySelectorAll(".ds-toggle [data-show]").forEach(function (button) {
      button.addEventListener("click", function () {
        layout.setAttribute("data-view", button.getAttribute("data-show"));
        layout.querySelectorAll(".ds-toggle [data-show]").forEach(function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        if (map) setTimeout(function () {
          map.invalidateSize();
          if (!fittedVisible && el.offsetParent !== null) { fittedVisible = true; fitInitial(); }
          refresh();
        }, 50);
      });
    });
  }

  // --- map -------------------------------------------------------------------------------------
  var el, dataLayer, outlineLayer, communeLayer, markers = {}, highlighted = null, lastCommunes = "";
  var pendingId = null, requestSeq = 0, fitInitial = null, fittedVisible = false, circle = null;

  function formQuery(extra) {
    var form = document.getElementById("search-form");
    var data = new URLSearchParams(new FormData(form));
    data.delete("bbox"); data.delete("zone"); data.delete("page");
    Object.keys(extra || {}).forEach(function (k) { data.set(k, extra[k]); });
    return data.toString();
  }

  function bboxString() {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function cellIcon(n) {
    var size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : n < 10000 ? 44 : 50;
    var text = n < 10000 ? String(n) : Math.round(n / 1000) + " k";
    return L.divIcon({ className: "ds-cell", html: text, iconSize: [size, size] });
  }

  function pointStyle(on) {
    return on ? { radius: 10, color: "#8a6d00", weight: 3, fillColor: "#ffd23f", fillOpacity: 1 }
              : { radius: 6, color: "#fff", weight: 1.5, fillColor: "#1d4e89", fillOpacity: 0.9 };
  }

  function refresh() {
    if (!map || el.offsetParent === null) return;
    var bbox = bboxString();
    document.getElementById("ds-bbox").value = bbox;
    var seq = ++requestSeq;
    fetch(el.dataset.mapUrl + "?" + formQuery({ bbox: bbox, zoom: map.getZoom() }), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (seq !== requestSeq) return;
        dataLayer.clearLayers(); markers = {};
        data.cells.forEach(function (cell) {
          var m = L.marker([cell.lat, cell.lon], { icon: cellIcon(cell.n), keyboard: true, title: cell.n + " résultats : cliquer pour zoomer" });
          m.on("click", function () { map.setView([cell.lat, cell.lon], Math.min(map.getZoom() + 2, 18)); });
          dataLayer.addLayer(m);
        });
        data.points.forEach(function (p) {
          var m = L.circleMarker([p.lat, p.lon], pointStyle(false));
          var label = document.createElement("a");
          label.href = p.url; label.textContent = p.name;
          m.bindPopup(label);
          m.on("click", function () { highlightItem(p.id); });
          markers[p.id] = m;
          dataLayer.addLayer(m);
        });
        el.setAttribute("data-points", String(data.points.length));
        el.setAttribute("data-cells", String(data.cells.length));
        if (pendingId !== null) { highlight(pendingId, false); pendingId = null; }
        else if (highlighted !== null && markers[highlighted]) markers[highlighted].setStyle(pointStyle(true));
      });
    loadCommunes();
  }

  function loadCommunes() {
    if (map.getZoom() < 11) { communeLayer.clearLayers(); lastCommunes = ""; return; }
    var b = map.getBounds();
    var key = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(1); }).join(",");
    if (key === lastCommunes) return;
    lastCommunes = key;
    fetch(el.dataset.outlinesUrl + "?niveau=communes&bbox=" + key).then(function (r) { return r.json(); }).then(function (geo) {
      communeLayer.clearLayers(); communeLayer.addData(geo);
    });
  }

  function highlight(id, pan) {
    if (highlighted !== null && markers[highlighted]) markers[highlighted].setStyle(pointStyle(false));
    highlighted = id;
    var m = markers[id];
    if (m) {
      m.setStyle(pointStyle(true)); m.bringToFront();
      el.setAttribute("data-highlighted", String(id));
      if (pan) map.panTo(m.getLatLng());
      return true;
    }
    return false;
  }

  function highlightItem(id) {
    document.querySelectorAll(".ds-item.ds-highlight").forEach(function (li) { li.classList.remove("ds-highlight"); });
    var li = document.querySelector('.ds-item[data-entry-id="' + id + '"]');
    if (li) { li.classList.add("ds-highlight"); }
    highlight(id, false);
  }

  function locate(button) {
    var li = button.closest(".ds-item");
    var id = Number(li.getAttribute("data-entry-id"));
    document.querySelectorAll(".ds-item.ds-highlight").forEach(function (x) { x.classList.remove("ds-highlight"); });
    li.classList.add("ds-highlight");
    var layout = document.querySelector(".ds-layout");
    if (layout && getComputedStyle(document.querySelector(".ds-toggle")).display !== "none") {
      layout.querySelector('[data-show="carte"]').click();
    }
    if (!highlight(id, true)) {
      // Not drawn as a single point at this zoom: zoom on it, then highlight once loaded.
      pendingId = id;
      map.setView([Number(li.dataset.lat), Number(li.dataset.lon)], 16);
    }
  }

  function setupMap() {
    el = document.getElementById("ds-map");
    if (!el || typeof L === "undefined") return;
    map = L.map(el, { preferCanvas: false, zoomControl: true, minZoom: 4, maxZoom: 18 });
    window.essorDirectoryMap = map;  // for tests and embedding pages
    if (el.dataset.tilesUrl) {
      L.tileLayer(el.dataset.tilesUrl, { attribution: "Fond de carte configuré (ESSOR_MAP_TILES_URL)" }).addTo(map);
    }
    outlineLayer = L.geoJSON(null, { interactive: false, style: { color: "#7a8a99", weight: 1, fill: true, fillColor: "#ffffff", fillOpacity: 0.6 } }).addTo(map);
    communeLayer = L.geoJSON(null, { interactive: false, style: { color: "#9aa7b3", weight: 0.6, dashArray: "3", fill: false } }).addTo(map);
    dataLayer = L.layerGroup().addTo(map);
    map.attributionControl.addAttribution("Contours : Code officiel géographique (Insee, IGN)");
    if (!el.dataset.tilesUrl) {
      fetch(el.dataset.outlinesUrl + "?niveau=departements").then(function (r) { return r.json(); }).then(function (geo) { outlineLayer.addData(geo); outlineLayer.bringToBack(); });
    }
    fitInitial = function () {
      if (el.dataset.bbox) {
        var b = el.dataset.bbox.split(",").map(Number);
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
      } else if (el.dataset.center) {
        var c = el.dataset.center.split(",").map(Number);
        if (!circle) circle = L.circle(c, { radius: Number(el.dataset.radius) * 1000, fill: false, color: "#1d4e89" }).addTo(map);
        map.fitBounds(circle.getBounds());
      } else {
        var items = document.querySelectorAll(".ds-item[data-lat]");
        if (items.length) {
          var pts = Array.prototype.map.call(items, function (li) { return [Number(li.dataset.lat), Number(li.dataset.lon)]; });
          map.fitBounds(L.latLngBounds(pts).pad(0.3), { maxZoom: 12 });
        } else {
          map.setView([46.6, 2.4], 5);
        }
      }
    };
    fitInitial();
    fittedVisible = el.offsetParent !== null;
    map.on("moveend", function () {
      refresh();
      var zone = document.getElementById("ds-zone");
      if (zone && zone.checked) htmx.trigger(document.getElementById("search-form"), "submit");
    });
    document.getElementById("ds-zone").addEventListener("change", function () {
      document.getElementById("ds-bbox").value = bboxString();
      htmx.trigger(document.getElementById("search-form"), "submit");
    });
    refresh();
  }

  ready(function () {
    setupCombobox();
    setupToggle();
    setupMap();
    document.body.addEventListener("click", function (event) {
      var button = event.target.closest(".ds-locate");
      if (button) locate(button);
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "results" && map) {
        if (!(document.getElementById("ds-zone") || {}).checked) refresh();
      }
    });
  });
})();
