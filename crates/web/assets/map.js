// The map screen (地図): hazard layers, shelters and the homes the user may see, drawn with
// Leaflet's canvas renderer so tens of thousands of points stay fast. No inline script (the
// pages' CSP forbids it): settings come from data- attributes of #map. Works without base
// tiles (closed networks): the vector layers show on a plain background.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var statusEl = document.getElementById("map-status");
  function say(text) { if (statusEl) { statusEl.textContent = text; } }
  // Leaflet's layer control and attribution insert their labels as HTML: every name that
  // comes from data (a layer named by whoever imported it) is escaped first.
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var map = L.map(el, { preferCanvas: true, maxZoom: 19 });
  el.leafletMap = map; // for the browser tests and the console
  map.createPane("hazards").style.zIndex = 350;
  map.createPane("points").style.zIndex = 450;
  var hazardRenderer = L.canvas({ pane: "hazards", padding: 0.3 });
  var pointRenderer = L.canvas({ pane: "points", padding: 0.3, tolerance: 3 });
  var control = L.control.layers({}, {}, { collapsed: false }).addTo(map);

  // Base tiles, when the municipality has them; dropped (with a note) if they do not load.
  var tileUrl = el.dataset.tiles || "";
  if (tileUrl) {
    var base = L.tileLayer(tileUrl, {
      attribution: el.dataset.attribution || "", // a constant of the server (GSI asks for a link)
      maxZoom: 19,
      maxNativeZoom: 18,
      crossOrigin: false
    });
    var loaded = 0, failed = 0;
    base.on("tileload", function () { loaded += 1; });
    base.on("tileerror", function () {
      failed += 1;
      if (failed >= 4 && loaded === 0 && map.hasLayer(base)) {
        map.removeLayer(base);
        say("背景地図（タイル）を読み込めません。区域・避難場所・自宅は表示されています。");
      }
    });
    base.addTo(map);
    control.addOverlay(base, "背景地図");
  }

  // Hazard layers: one overlay each, fetched simplified for the zoom and again when it changes.
  var WATER = ["#f7f5a9", "#ffd8c0", "#ffb7b7", "#ff9191", "#f285c9", "#dc7adc"];
  function hazardStyle(feature) {
    var p = feature.properties || {};
    var g = Math.max(0, Math.min(5, p.grade | 0));
    var colour = p.kind === "landslide" ? (g >= 4 ? "#d7191c" : "#f5d000") : WATER[g];
    return { color: colour, weight: 1, opacity: 0.9, fillColor: colour, fillOpacity: 0.45 };
  }
  function zoomBucket(z) { return Math.max(0, Math.min(16, Math.floor(z))); }
  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error(url + ": " + r.status); }
        return r.json();
      });
  }

  var hazards = [];
  var layerInfo = [];
  try { layerInfo = JSON.parse(el.dataset.layers || "[]"); } catch (e) { layerInfo = []; }
  layerInfo.forEach(function (info) {
    var group = L.geoJSON(null, {
      style: hazardStyle,
      renderer: hazardRenderer,
      pane: "hazards",
      interactive: false
    });
    var h = { info: info, group: group, z: null, seq: 0, data: null };
    hazards.push(h);
    group.addTo(map);
    control.addOverlay(group, escapeHtml(info.name));
  });
  function loadHazard(h, z) {
    h.seq += 1;
    var seq = h.seq;
    h.z = z;
    return getJson("/map/layers/" + encodeURIComponent(h.info.id) + "?z=" + z)
      .then(function (fc) {
        if (seq !== h.seq) { return; }
        h.group.clearLayers();
        h.group.addData(fc);
        h.data = fc;
      });
  }
  function refreshHazards() {
    var z = zoomBucket(map.getZoom());
    hazards.forEach(function (h) {
      if (h.z !== z && map.hasLayer(h.group)) {
        loadHazard(h, z).catch(function () { say("区域を読み込めませんでした: " + h.info.name); });
      }
    });
  }
  map.on("overlayadd", refreshHazards);

  // Shelters: small squares (a circle marker drawn square on the canvas).
  var Square = L.CircleMarker.extend({
    _updatePath: function () {
      var r = this._renderer;
      if (!r._ctx) { L.CircleMarker.prototype._updatePath.call(this); return; }
      if (!r._drawing || this._empty()) { return; }
      var p = this._point, s = Math.max(Math.round(this._radius), 1), ctx = r._ctx;
      ctx.beginPath();
      ctx.rect(p.x - s, p.y - s, 2 * s, 2 * s);
      r._fillStroke(ctx, this);
    }
  });
  function node(tag, text, cls) {
    var n = document.createElement(tag);
    if (text) { n.textContent = text; }
    if (cls) { n.className = cls; }
    return n;
  }
  var SUITS = [["flood", "洪水"], ["landslide", "土砂"], ["tsunami", "津波"], ["storm_surge", "高潮"]];
  function shelterPopup(s) {
    var d = node("div", null, "map-popup");
    d.appendChild(node("strong", s.name));
    d.appendChild(node("p", s.address));
    var kinds = [];
    if (s.emergency_place) { kinds.push("指定緊急避難場所"); }
    if (s.shelter) { kinds.push("指定避難所"); }
    if (s.welfare) { kinds.push("福祉避難所"); }
    if (kinds.length) { d.appendChild(node("p", kinds.join("・"))); }
    var suits = node("p", null, "suits");
    SUITS.forEach(function (k) {
      var span = node("span", (s[k[0]] ? "○" : "×") + k[1], s[k[0]] ? "yes" : "no");
      span.title = k[1] + (s[k[0]] ? "：対応" : "：非対応");
      suits.appendChild(span);
    });
    d.appendChild(suits);
    return d;
  }

  // Persons: circle markers by priority, a thick dark outline for 避難困難.
  var COLOURS = { high: "#d7191c", medium: "#f28c28", low: "#2c7bb6" };
  var PRIORITY = { high: "優先度 高", medium: "優先度 中", low: "優先度 低" };
  function personPopup(p) {
    var d = node("div", null, "map-popup");
    var a = node("a", p.name);
    a.href = "/persons/" + encodeURIComponent(p.id);
    a.className = "person-link";
    d.appendChild(a);
    d.appendChild(node("p", PRIORITY[p.priority] || "未判定"));
    if (p.difficult) { d.appendChild(node("p", "避難困難（津波到達までに避難できない）")); }
    return d;
  }

  var bounds = L.latLngBounds([]);
  var shelters = getJson("/map/shelters.json").then(function (list) {
    var group = L.layerGroup();
    list.forEach(function (s) {
      var m = new Square([s.lat, s.lon], {
        renderer: pointRenderer, radius: 5, color: "#1a7f37", weight: 2,
        fillColor: "#ffffff", fillOpacity: 1, bubblingMouseEvents: false
      });
      m.bindPopup(function () { return shelterPopup(s); });
      group.addLayer(m);
      bounds.extend([s.lat, s.lon]);
    });
    group.addTo(map);
    control.addOverlay(group, "避難場所・避難所（" + list.length + "）");
  });
  var persons = getJson("/map/persons.json").then(function (list) {
    var group = L.layerGroup();
    list.forEach(function (p) {
      var m = L.circleMarker([p.lat, p.lon], {
        renderer: pointRenderer,
        radius: p.difficult ? 7 : 6,
        color: p.difficult ? "#111111" : "#ffffff",
        weight: p.difficult ? 3 : 1,
        fillColor: COLOURS[p.priority] || "#9a9a9a",
        fillOpacity: 0.9,
        bubblingMouseEvents: false
      });
      m.bindPopup(function () { return personPopup(p); });
      group.addLayer(m);
      bounds.extend([p.lat, p.lon]);
    });
    group.addTo(map);
    control.addOverlay(group, "名簿登載者の自宅（" + list.length + " 人）");
    el.dataset.count = String(list.length);
  });
  // A first, coarse fetch of the hazard layers gives their extent; the zoom then refines them.
  var firstZ = 12;
  var layersLoaded = Promise.all(hazards.map(function (h) {
    return loadHazard(h, firstZ).then(function () {
      var b = h.group.getBounds();
      if (b.isValid()) { bounds.extend(b); }
    });
  }));

  function settled(p) { return p.then(function () { return true; }, function () { return false; }); }
  Promise.all([settled(persons), settled(shelters), settled(layersLoaded)]).then(function (ok) {
    var pinLat = parseFloat(el.dataset.pinLat), pinLon = parseFloat(el.dataset.pinLon);
    if (isFinite(pinLat) && isFinite(pinLon)) {
      map.setView([pinLat, pinLon], 17);
    } else if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
    } else {
      map.setView([36.2, 138.2], 5);
    }
    map.on("zoomend", refreshHazards);
    refreshHazards();
    if (ok.indexOf(false) >= 0) { say("一部の情報を読み込めませんでした。画面を開き直してください。"); }
    el.dataset.ready = "1";
  });

  // A click on the map (not on a marker) names the hazard zones drawn there: the zones are on
  // a canvas under the markers', so they are found by the point, in the features as drawn.
  function inRing(ring, x, y) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }
  function inShape(geometry, x, y) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    return polygons.some(function (rings) {
      return rings.length > 0 && inRing(rings[0], x, y) &&
        !rings.slice(1).some(function (hole) { return inRing(hole, x, y); });
    });
  }
  function zonesAt(latlng) {
    var found = [];
    hazards.forEach(function (h) {
      if (!h.data || !map.hasLayer(h.group)) { return; }
      h.data.features.forEach(function (f) {
        if (f.geometry && inShape(f.geometry, latlng.lng, latlng.lat)) {
          found.push({ layer: h.info.name, label: (f.properties || {}).label || "" });
        }
      });
    });
    return found;
  }
  function zonePopup(found) {
    var d = node("div", null, "map-popup zone-popup");
    d.appendChild(node("strong", "この地点の想定"));
    var ul = node("ul");
    found.forEach(function (z) { ul.appendChild(node("li", z.layer + "：" + z.label)); });
    d.appendChild(ul);
    return d;
  }

  // Pin mode: a click on the map fills the form and saves the home's position.
  var form = document.getElementById("pin-form");
  if (!(el.dataset.pin && form)) {
    map.on("click", function (e) {
      var found = zonesAt(e.latlng);
      if (found.length) { L.popup().setLatLng(e.latlng).setContent(zonePopup(found)).openOn(map); }
    });
  }
  if (el.dataset.pin && form) {
    el.classList.add("pin-mode");
    var marker = null;
    map.on("click", function (e) {
      var lon = form.querySelector("[name=lon]"), lat = form.querySelector("[name=lat]");
      lon.value = e.latlng.lng.toFixed(6);
      lat.value = e.latlng.lat.toFixed(6);
      if (marker) { marker.setLatLng(e.latlng); } else {
        marker = L.circleMarker(e.latlng, {
          renderer: pointRenderer, radius: 8, color: "#000", weight: 3, fillColor: "#ffeb3b", fillOpacity: 1
        }).addTo(map);
      }
      say("保存しています…");
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  }
})();
