// The case map (案件地图): the open appeals of a grid node, fetched for the viewport from
// /api/stats/case-map/ (dashboard/casemap.py): clusters counted by the database at low zoom,
// single points when zoomed in; coloured by their slip colour; filters by module, source,
// age and colour; a click on a point shows the appeal's card. Drawn over the base map of
// static/gridgov/gridmap.js (loaded before this script). No inline script or style: the data
// comes from json_script, the colours from CSS classes.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("casemap-config").textContent);
  const text = JSON.parse(document.getElementById("casemap-text").textContent);
  const esc = window.GridGov.esc; // the one escape helper
  const COLOURS = ["none", "blue", "yellow", "orange", "red"];
  const colourClass = (c) => "colour-" + (COLOURS.includes(c) ? c : "none");

  const container = document.getElementById("casemap");
  const form = document.getElementById("casemap-filters");
  const counter = document.getElementById("case-count");
  const map = L.map(container, { minZoom: config.minZoom, maxZoom: config.maxZoom, zoomControl: true });
  window.GridGov.maps = window.GridGov.maps || {};
  window.GridGov.maps.casemap = map;
  if (config.tiles) L.tileLayer(config.tiles, { attribution: config.tilesAttribution }).addTo(map);
  map.attributionControl.setPrefix("Leaflet");
  window.GridGov.drawBase(map, { tiles: Boolean(config.tiles) });
  const layer = L.layerGroup().addTo(map);
  let requestId = 0;

  function query() {
    const b = map.getBounds();
    const params = new URLSearchParams({
      node: config.node,
      zoom: String(map.getZoom()),
      bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(","),
    });
    for (const [name, value] of new FormData(form)) if (value) params.set(name, value);
    return params;
  }

  function clusterMarker(c) {
    const size = 26 + Math.min(22, Math.round(Math.log10(c.count) * 8));
    const marker = L.marker([c.lat, c.lon], {
      icon: L.divIcon({ className: "case-cluster " + colourClass(c.colour), html: esc(c.count), iconSize: [size, size] }),
      title: `${c.count} ${text.appeals}`,
      keyboard: true,
    });
    // A cluster zooms in towards its appeals: two steps, or to the zoom where points show.
    marker.on("click", () => {
      const zoom = Math.min(config.maxZoom, Math.max(map.getZoom() + 2, Math.min(config.pointsZoom, map.getZoom() + 3)));
      map.setView([c.lat, c.lon], zoom, { animate: false });
    });
    return marker;
  }

  // Appeals at one spot (one address, a unit grid's centre) would hide each other: they are
  // drawn on a small ring around it, recomputed at each zoom (every view is a new load).
  function spread(points) {
    const bySpot = new Map();
    for (const p of points) {
      const key = `${p.lat},${p.lon}`;
      if (!bySpot.has(key)) bySpot.set(key, []);
      bySpot.get(key).push(p);
    }
    const placed = [];
    for (const group of bySpot.values()) {
      if (group.length === 1) {
        placed.push([group[0], L.latLng(group[0].lat, group[0].lon)]);
        continue;
      }
      const centre = map.latLngToLayerPoint([group[0].lat, group[0].lon]);
      const radius = Math.max(14, (group.length * 18) / (2 * Math.PI));
      group.forEach((p, i) => {
        const angle = (2 * Math.PI * i) / group.length;
        placed.push([p, map.layerPointToLatLng(centre.add([radius * Math.cos(angle), radius * Math.sin(angle)]))]);
      });
    }
    return placed;
  }

  function pointMarker([p, latlng]) {
    const marker = L.marker(latlng, {
      icon: L.divIcon({ className: "case-point " + colourClass(p.colour), html: "", iconSize: [16, 16] }),
      title: p.module,
      keyboard: true,
    });
    marker.on("click", () => showCard(p));
    return marker;
  }

  function showCard(p) {
    document.getElementById("case-card-hint").hidden = true;
    document.getElementById("case-card-body").innerHTML =
      `<h2><span class="case-dot ${colourClass(p.colour)}"></span> #${esc(p.id)} ${esc(p.module)}</h2>` +
      `<dl><dt>${esc(text.status)}</dt><dd>${esc(p.status)}</dd>` +
      `<dt>${esc(text.colour)}</dt><dd>${esc(text.colours[p.colour] || "")}</dd>` +
      `<dt>${esc(text.received)}</dt><dd>${esc(p.created_at)}</dd>` +
      (p.deadline ? `<dt>${esc(text.deadline)}</dt><dd>${esc(p.deadline)}</dd>` : "") +
      `</dl><p>${esc(p.address)}</p><p><a href="${esc(p.url)}">${esc(text.open)}</a></p>`;
    document.getElementById("case-card").dataset.appeal = String(p.id);
  }

  function load() {
    const id = ++requestId;
    container.classList.remove("loaded");
    fetch(`${config.api}?${query()}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((data) => {
        if (id !== requestId) return; // a newer view is loading
        layer.clearLayers();
        const items = data.mode === "points" ? spread(data.points).map(pointMarker) : data.clusters.map(clusterMarker);
        items.forEach((m) => layer.addLayer(m));
        counter.textContent = String(data.count);
        counter.dataset.count = String(data.count);
        container.dataset.mode = data.mode;
        container.dataset.count = String(data.count);
        container.dataset.zoom = String(data.zoom);
        delete container.dataset.error;
        container.classList.add("loaded");
      })
      .catch((error) => {
        container.dataset.error = error.message;
        container.classList.add("failed");
      });
  }

  let timer = null;
  map.on("moveend", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 120);
  });
  form.addEventListener("change", load);
  form.addEventListener("submit", (event) => event.preventDefault());
  map.fitBounds(config.bounds, { animate: false });
  load();
  window.caseMap = { map, layer, load, showCard };
})();
