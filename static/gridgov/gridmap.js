// The one shared map script, loaded on every page with a Leaflet map before the page's own
// script. It gives:
//  - GridGov.esc / GridGov.textNode: the one way to put data (node names, addresses, ...)
//    into map tooltips, popups and card HTML, so that a name like <img onerror=...> shows as text;
//  - the base map (底图) under every map: district, street and community outlines from our own
//    data (/api/grids/basemap/) with their names, so that no map needs an outside tile server.
//    Tiles are drawn as well only when GRIDGOV_TILES_URL is set;
//  - gridMapInit: the grid node page's map (the node's children, clickable).
(function () {
  "use strict";
  const GridGov = (window.GridGov = window.GridGov || {});

  // Leaflet's zoom buttons say "Zoom in"/"Zoom out" on hover: in the page's language instead
  // (templates/gridgov/_map_scripts.html). Set before any map exists (maps start on "load").
  const text = (document.currentScript && document.currentScript.dataset) || {};
  if (text.zoomIn) L.Control.Zoom.prototype.options.zoomInTitle = text.zoomIn;
  if (text.zoomOut) L.Control.Zoom.prototype.options.zoomOutTitle = text.zoomOut;

  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  GridGov.esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
  GridGov.textNode = (value, className) => {
    const span = document.createElement("span");
    if (className) span.className = className;
    span.textContent = String(value ?? "");
    return span;
  };

  // -- The base map ------------------------------------------------------------------------
  // Which names are written: those of the finest level (district, streets, communities) whose
  // typical area is wide enough on screen to hold a name, so that the district's communities
  // are named when zoomed in and its streets at district view, whatever the district's size.
  const LABEL_ROOM_PX = 90;
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
  };
  const OUTLINE = {
    0: { color: "#4b5863", weight: 3, opacity: 0.9 },
    1: { color: "#5f6b78", weight: 2, opacity: 0.85, dashArray: "10 4 2 4" }, // 街道/乡镇界: dash-dot
    2: { color: "#8b96a3", weight: 1, opacity: 0.8, dashArray: "3 3" },
  };
  let request = null; // one request per page, however many maps it has

  function fetchBase() {
    if (!request) {
      request = fetch("/api/grids/basemap/", { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
        (r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`)))
      );
    }
    return request;
  }

  // Names that would overlap an already written one are left out; the larger areas' names
  // are placed first.
  function declutter(labels) {
    const placed = [];
    for (const tooltip of labels) {
      const el = tooltip.getElement();
      if (!el) continue;
      el.style.visibility = "";
      const box = el.getBoundingClientRect();
      const clash = placed.some((b) => box.left < b.right && b.left < box.right && box.top < b.bottom && b.top < box.bottom);
      if (clash) el.style.visibility = "hidden";
      else placed.push(box);
    }
  }

  GridGov.drawBase = function (map, { tiles = false } = {}) {
    const container = map.getContainer();
    if (!map.getPane("gridgov-base")) {
      // Above tiles (200), below the pages' own polygons (400); names above those polygons
      // (450) and below markers (600); never in the way of a click.
      map.createPane("gridgov-base").style.zIndex = 250;
      map.createPane("gridgov-labels").style.zIndex = 450;
      map.getPane("gridgov-base").style.pointerEvents = "none";
      map.getPane("gridgov-labels").style.pointerEvents = "none";
    }
    container.classList.add(tiles ? "with-tiles" : "no-tiles");
    return fetchBase()
      .then((collection) => {
        const byLevel = { 0: [], 1: [], 2: [] };
        L.geoJSON(collection, {
          pane: "gridgov-base",
          interactive: false,
          style: (f) => ({
            ...OUTLINE[f.properties.level],
            // Without tiles the district is the paper the map is drawn on.
            fill: f.properties.level === 0 && !tiles,
            fillColor: "#f6f4ee",
            fillOpacity: 1,
          }),
          onEachFeature: (f, layer) => {
            const p = f.properties;
            const b = layer.getBounds();
            const label = L.tooltip([p.label[1], p.label[0]], {
              content: GridGov.textNode(p.name),
              permanent: true,
              direction: "center",
              className: `gridgov-label gridgov-label-${p.level}`,
              pane: "gridgov-labels",
            });
            label.width = b.getEast() - b.getWest(); // degrees of longitude
            label.area = label.width * (b.getNorth() - b.getSouth());
            byLevel[p.level].push(label);
          },
        }).addTo(map);
        Object.values(byLevel).forEach((labels) => labels.sort((a, b) => b.area - a.area));
        const widths = Object.fromEntries(Object.entries(byLevel).map(([level, labels]) => [level, median(labels.map((l) => l.width))]));
        const labelLevel = () => {
          const pxPerDegree = (256 * 2 ** map.getZoom()) / 360;
          return [2, 1, 0].find((level) => byLevel[level].length && widths[level] * pxPerDegree >= LABEL_ROOM_PX) ?? 0;
        };
        const groups = Object.fromEntries(Object.entries(byLevel).map(([level, labels]) => [level, L.layerGroup(labels)]));
        let shown = null;
        const update = () => {
          const level = String(labelLevel());
          if (shown !== level) {
            if (shown !== null) groups[shown].remove();
            groups[level].addTo(map);
            shown = level;
          }
          declutter(byLevel[level]);
          container.dataset.baseLabels = level;
        };
        map.on("zoomend moveend", update);
        update();
        container.dataset.base = String(collection.features.length);
        container.classList.add("base-loaded");
      })
      .catch((error) => {
        container.dataset.baseError = error.message;
        container.classList.add("base-failed");
      });
  };

  // Every Leaflet map of the site (django-leaflet fires map:init before the page's callback).
  GridGov.maps = {}; // by container id, for the browser tests and the console
  window.addEventListener("map:init", (event) => {
    const { id, map, options } = event.detail;
    GridGov.maps[id] = map;
    const layers = (options && options.djoptions && options.djoptions.layers) || [];
    GridGov.drawBase(map, { tiles: layers.length > 0 });
  });

  // -- The grid node page ------------------------------------------------------------------
  const palette = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#d62728", "#7f7f7f"];

  window.gridMapInit = function (map) {
    const nodeId = JSON.parse(document.getElementById("node-id").textContent);
    const level = JSON.parse(document.getElementById("draw-level").textContent);
    const container = map.getContainer();
    fetch(`/api/grids/nodes/${nodeId}/geojson/?level=${level}`, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json();
      })
      .then((collection) => {
        const layer = L.geoJSON(collection, {
          style: (feature) => ({
            color: "#333", weight: 1, fillOpacity: 0.35,
            fillColor: palette[feature.properties.id % palette.length],
          }),
          onEachFeature: (feature, featureLayer) => {
            const p = feature.properties;
            featureLayer.bindTooltip(GridGov.textNode(`${p.name} · ${p.code}`));
            if (p.id !== nodeId) {
              featureLayer.on("click", () => { window.location.href = `/grids/${p.id}/`; });
            }
          },
        }).addTo(map);
        // No animation: the map is at its final view once "loaded" is set.
        if (collection.features.length) map.fitBounds(layer.getBounds(), { animate: false });
        container.dataset.features = String(collection.features.length);
        container.classList.add("loaded");
      })
      .catch((error) => {
        container.dataset.error = error.message;
        container.classList.add("failed");
      });
  };
})();
