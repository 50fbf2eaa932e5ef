// The grid map: the node's children drawn from the API as GeoJSON. It needs no base layer:
// with no tiles reachable the polygons still draw on a plain background.
(function () {
  "use strict";
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
            featureLayer.bindTooltip(`${p.name} · ${p.code}`);
            if (p.id !== nodeId) {
              featureLayer.on("click", () => { window.location.href = `/grids/${p.id}/`; });
            }
          },
        }).addTo(map);
        if (collection.features.length) map.fitBounds(layer.getBounds());
        container.dataset.features = String(collection.features.length);
        container.classList.add("loaded");
      })
      .catch((error) => {
        container.dataset.error = error.message;
        container.classList.add("failed");
      });
  };
})();
