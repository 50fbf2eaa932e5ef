// Appeals pages: pick a point on the intake maps (hotline, grid worker's report), show an
// appeal's point and unit grid, fill the phone report's position from GPS. Drawn over the
// base map of static/gridgov/gridmap.js (loaded before this script, GridGov.textNode).
(function () {
  "use strict";
  const lonInput = () => document.getElementById("id_lon");
  const latInput = () => document.getElementById("id_lat");

  function showLocated(lon, lat) {
    const out = document.getElementById("located");
    if (!out) return;
    fetch(`/api/grids/locate/?lon=${lon}&lat=${lat}`, { credentials: "same-origin" })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        out.textContent = ok ? `${body.unit_grid.name} · ${body.unit_grid.code}` : body.detail || "";
        out.className = ok ? "ok" : "error";
      })
      .catch(() => { out.textContent = ""; });
  }

  let pickMap = null;
  let pickMarker = null;

  // The place as numbers in the form, a marker on the intake map (when the page has one) and
  // the unit grid it falls in.
  function setPoint(lon, lat, { pan = true } = {}) {
    lonInput().value = lon.toFixed(6);
    latInput().value = lat.toFixed(6);
    if (pickMap) {
      if (pickMarker) pickMarker.remove();
      pickMarker = L.marker([lat, lon]).addTo(pickMap);
      if (pan) pickMap.setView([lat, lon], Math.max(pickMap.getZoom(), 15), { animate: false });
    }
    showLocated(lon, lat);
  }

  const GRID_STYLE = { color: "#555", weight: 1, fillColor: "#9bb7d4", fillOpacity: 0.25 };
  const UNIT_STYLE = { color: "#1f5fbf", weight: 2, fillColor: "#5b8fd9", fillOpacity: 0.2 };

  function outlineLayer(collection, style = GRID_STYLE) {
    return L.geoJSON(collection, {
      style,
      onEachFeature: (f, l) => l.bindTooltip(GridGov.textNode(`${f.properties.name} · ${f.properties.code}`)),
    });
  }

  // Draw grid polygons from the API over the base map: on the hotline these are the
  // communities to click in. Clicks on a polygon bubble up to the map.
  function drawGrid(map, nodeId, level, fit) {
    return fetch(`/api/grids/nodes/${nodeId}/geojson/?level=${level}`, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((collection) => {
        const layer = outlineLayer(collection).addTo(map);
        // No animation: the map is ready (and clickable where it looks) once "loaded" is set.
        if (fit && collection.features.length) map.fitBounds(layer.getBounds(), { animate: false });
      })
      .catch(() => null);
  }

  // The intake maps (hotline, grid worker's report): a click puts the place on the map.
  window.appealPickMap = function (map) {
    pickMap = map;
    const lon = parseFloat(lonInput().value);
    const lat = parseFloat(latInput().value);
    const placed = !Number.isNaN(lon) && !Number.isNaN(lat); // a form shown again after an error
    const area = document.getElementById("pick-bounds"); // the grid worker's own area
    if (area && !placed) map.fitBounds(JSON.parse(area.textContent), { animate: false });
    const root = document.getElementById("district-id");
    const areas = document.getElementById("pick-areas");
    const drawn = root
      ? drawGrid(map, JSON.parse(root.textContent), 2, !placed)
      : Promise.all((areas ? JSON.parse(areas.textContent) : []).map((a) => drawGrid(map, a.id, a.level, false)));
    map.on("click", (event) => setPoint(event.latlng.lng, event.latlng.lat, { pan: false }));
    if (placed) setPoint(lon, lat);
    drawn.then(() => map.getContainer().classList.add("loaded"));
  };

  // The appeal page: its point and its unit grid, whose outline comes with the page (the user
  // may see the appeal, so they may see where it is, even without a grid tree of their own).
  window.appealShowMap = function (map) {
    const lon = JSON.parse(document.getElementById("appeal-lon").textContent);
    const lat = JSON.parse(document.getElementById("appeal-lat").textContent);
    const unit = document.getElementById("unit-grid");
    L.marker([lat, lon]).addTo(map);
    if (unit) {
      // The whole unit grid in view (the point is inside it); a tiny grid no closer than zoom 17.
      const layer = outlineLayer(JSON.parse(unit.textContent), UNIT_STYLE).addTo(map);
      map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [20, 20], animate: false });
    } else {
      map.setView([lat, lon], 15);
    }
    map.getContainer().classList.add("loaded");
  };

  // Hotline: "this is the caller" fills the reporter and the place from the registry.
  document.addEventListener("click", (event) => {
    const place = event.target.closest(".use-place");
    if (place) {
      document.getElementById("id_address").value = place.dataset.address;
      setPoint(parseFloat(place.dataset.lon), parseFloat(place.dataset.lat));
      place.closest("li").classList.add("chosen");
      return;
    }
    const button = event.target.closest(".use-resident");
    if (!button) return;
    document.getElementById("id_reporter_resident").value = button.dataset.resident;
    document.getElementById("id_reporter_name").value = button.dataset.name;
    const address = document.getElementById("id_address");
    if (address && !address.value) address.value = button.dataset.address;
    setPoint(parseFloat(button.dataset.lon), parseFloat(button.dataset.lat));
    button.closest("li").classList.add("chosen");
  });

  document.addEventListener("DOMContentLoaded", () => {
    const gps = document.getElementById("use-gps");
    if (!gps) return;
    gps.addEventListener("click", () => {
      // The phone's own error text is in the browser's language (often English): kept in title.
      const failed = (message) => { gps.textContent = `✗ ${gps.dataset.failed}`; gps.title = message || ""; };
      if (!navigator.geolocation) { failed(""); return; }
      navigator.geolocation.getCurrentPosition(
        (pos) => { setPoint(pos.coords.longitude, pos.coords.latitude); gps.textContent = `✓ ${gps.dataset.found}`; },
        (err) => failed(err.message),
        { enableHighAccuracy: true, timeout: 15000 },
      );
    });
  });
})();
