// Appeals pages: pick a point on the intake map, show an appeal's point, fill the phone
// report's position from GPS. Works without a base layer (tiles may be unreachable).
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

  function setPoint(lon, lat) {
    lonInput().value = lon.toFixed(6);
    latInput().value = lat.toFixed(6);
    showLocated(lon, lat);
  }

  // Draw grid polygons from the API (the base layer may be missing: this is what the
  // operator orients by). Clicks on a polygon bubble up to the map.
  function drawGrid(map, nodeId, level, fit) {
    return fetch(`/api/grids/nodes/${nodeId}/geojson/?level=${level}`, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((collection) => {
        const layer = L.geoJSON(collection, {
          style: { color: "#555", weight: 1, fillColor: "#9bb7d4", fillOpacity: 0.25 },
          onEachFeature: (f, l) => l.bindTooltip(`${f.properties.name} · ${f.properties.code}`),
        }).addTo(map);
        // No animation: the map is ready (and clickable where it looks) once "loaded" is set.
        if (fit && collection.features.length) map.fitBounds(layer.getBounds(), { animate: false });
      })
      .catch(() => null);
  }

  window.appealPickMap = function (map) {
    let marker = null;
    map.setView([34.857, 117.555], 11);
    const root = document.getElementById("district-id");
    const drawn = root ? drawGrid(map, JSON.parse(root.textContent), 2, true) : Promise.resolve();
    map.on("click", (event) => {
      if (marker) marker.remove();
      marker = L.marker(event.latlng).addTo(map);
      setPoint(event.latlng.lng, event.latlng.lat);
    });
    drawn.then(() => map.getContainer().classList.add("loaded"));
  };

  window.appealShowMap = function (map) {
    const lon = JSON.parse(document.getElementById("appeal-lon").textContent);
    const lat = JSON.parse(document.getElementById("appeal-lat").textContent);
    const unit = document.getElementById("unit-grid-id");
    const drawn = unit ? drawGrid(map, JSON.parse(unit.textContent), 4, false) : Promise.resolve();
    L.marker([lat, lon]).addTo(map);
    map.setView([lat, lon], 15);
    drawn.then(() => map.getContainer().classList.add("loaded"));
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
      if (!navigator.geolocation) { gps.textContent = "GPS ✗"; return; }
      navigator.geolocation.getCurrentPosition(
        (pos) => { setPoint(pos.coords.longitude, pos.coords.latitude); gps.textContent = "GPS ✓"; },
        (err) => { gps.textContent = `GPS ✗ ${err.message}`; },
        { enableHighAccuracy: true, timeout: 15000 },
      );
    });
  });
})();
