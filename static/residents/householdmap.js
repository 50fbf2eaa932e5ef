// The household grid map (户况网格图). Grid polygons of the level that fits the zoom,
// coloured by a chosen measure; households as clustered markers with a symbol per tag,
// fetched for the viewport only; a click on a house opens its card. Drawn over the base map
// of static/gridgov/gridmap.js (loaded before this script).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const text = JSON.parse(document.getElementById("map-text").textContent);
  const categories = Object.fromEntries(config.categories.map((c) => [c.code, c]));
  const ramp = ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"];
  const esc = window.GridGov.esc; // the one escape helper (static/gridgov/gridmap.js)

  // The first zoom at which each level is drawn: streets, communities, base grids, unit grids.
  const LEVEL_ZOOM = { 1: 0, 2: 12, 3: 14, 4: 15 };

  function levelForZoom(zoom) {
    const level = zoom >= LEVEL_ZOOM[4] ? 4 : zoom >= LEVEL_ZOOM[3] ? 3 : zoom >= LEVEL_ZOOM[2] ? 2 : 1;
    return Math.max(level, config.minLevel);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    });
  }

  function postJSON(url, body) {
    // The token of the page's own forms (the log-out form is on every signed-in page).
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(body),
    }).then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    });
  }

  window.householdMapInit = function (map) {
    const container = map.getContainer();
    const measure = document.getElementById("measure");
    const areas = L.geoJSON(null, { style: () => ({ color: "#333", weight: 1, fillOpacity: 0.45 }) }).addTo(map);
    // animate: false: split/merge animations can leave the group waiting for a transition
    // that never ends (seen in headless Chromium), and then it stops drawing new markers.
    const houses = L.markerClusterGroup({ maxClusterRadius: 40, animate: false, zoomToBoundsOnClick: false });
    houses.addTo(map);
    // Households of one apartment building share its point: that cluster fans out at once
    // (zooming in would show the same cluster again); any other zooms to its households.
    houses.on("clusterclick", (e) => {
      const bounds = e.layer.getBounds();
      if (bounds.getNorthEast().equals(bounds.getSouthWest()) || map.getZoom() >= map.getMaxZoom()) e.layer.spiderfy();
      else e.layer.zoomToBounds({ padding: [20, 20] });
    });
    // Past 2,000 households in view the server sends one counted marker per grid node instead.
    const cells = L.layerGroup().addTo(map);
    let requestId = 0;

    map.fitBounds(config.bounds);

    function bbox() {
      const b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
    }

    function colour(features) {
      const key = measure.value;
      const max = Math.max(1, ...features.map((f) => f.properties[key] || 0));
      areas.setStyle((f) => {
        const v = f.properties[key] || 0;
        return { color: "#333", weight: 1, fillOpacity: 0.45, fillColor: ramp[Math.min(ramp.length - 1, Math.floor((v / max) * (ramp.length - 1)))] };
      });
    }

    // A click on a polygon opens the next level inside it: fit the polygon, but zoom in at
    // least far enough that its children are the level drawn.
    function drillInto(layer, level) {
      const bounds = layer.getBounds();
      const zoom = Math.max(map.getBoundsZoom(bounds), LEVEL_ZOOM[Math.min(4, level + 1)], map.getZoom() + (level >= 4 ? 1 : 0));
      map.setView(bounds.getCenter(), Math.min(zoom, map.getMaxZoom()));
    }

    // A house is a circle; a house with tagged members shows the first tag's symbol in its
    // colour, and a count when there are more.
    function houseIcon(h) {
      const tags = h.tags.map((code) => categories[code]).filter(Boolean);
      const first = tags[0];
      // Built as elements, the colour set through the DOM: the Content-Security-Policy refuses
      // style attributes in HTML strings.
      let html = "";
      if (first) {
        html = document.createElement("span");
        html.className = "house";
        const symbol = document.createElement("span");
        symbol.textContent = first.symbol;
        symbol.style.background = first.color;
        html.append(symbol);
        if (tags.length > 1) {
          const more = document.createElement("sup");
          more.textContent = String(tags.length);
          html.append(more);
        }
      }
      return L.divIcon({ className: "household-marker" + (first ? " tagged" : ""), html, iconSize: [22, 22] });
    }

    function load() {
      const id = ++requestId;
      const level = levelForZoom(map.getZoom());
      container.classList.remove("loaded");
      const box = bbox();
      Promise.all([
        getJSON(`/api/residents/areas/?level=${level}&bbox=${box}`),
        getJSON(`/api/residents/households/in-bbox/?bbox=${box}`),
      ])
        .then(([collection, data]) => {
          if (id !== requestId) return; // a newer view is loading
          areas.clearLayers();
          areas.addData(collection);
          areas.eachLayer((layer) => {
            const p = layer.feature.properties;
            layer.bindTooltip(GridGov.textNode(`${p.name} · ${p.households} ${text.households} · ${p.residents} ${text.residents} · ${p.tagged} ${text.tagged}`));
            layer.on("click", () => drillInto(layer, p.level));
          });
          colour(collection.features);
          houses.clearLayers();
          cells.clearLayers();
          const markers = [];
          if (data.mode === "points") {
            for (const h of data.households) {
              const marker = L.marker([h.lat, h.lon], { icon: houseIcon(h), title: h.address });
              marker.on("click", () => openHousehold(h.id));
              markers.push(marker);
            }
          } else {
            for (const c of data.clusters) {
              const size = 22 + Math.min(18, Math.round(Math.log10(c.count) * 5));
              const marker = L.marker([c.lat, c.lon], {
                icon: L.divIcon({ className: "cell-marker", html: String(c.count), iconSize: [size, size] }),
              });
              marker.on("click", () => map.setView([c.lat, c.lon], map.getZoom() + 2));
              cells.addLayer(marker);
            }
          }
          houses.addLayers(markers);
          container.dataset.level = String(level);
          container.dataset.features = String(collection.features.length);
          container.dataset.mode = data.mode;
          container.dataset.households = String(data.count);
          container.classList.add("loaded");
        })
        .catch((error) => {
          container.dataset.error = error.message;
          container.classList.add("failed");
        });
    }

    function openHousehold(pk) {
      getJSON(`/api/residents/households/${pk}/`).then((h) => {
        const rows = h.members
          .map((m) => {
            const tags = m.tags
              .map((t) => `<span class="tag" data-colour="${esc((categories[t.code] || {}).color || "#777")}" title="${esc(t.name)}">${esc(t.symbol)}</span>`)
              .join(" ");
            return `<tr><td><a href="/registry/residents/${Number(m.id)}/">${esc(m.name)}</a><br><small class="muted">${esc(m.relation_label || m.relation)}</small></td>` +
              `<td class="id-number">${esc(m.id_number_masked)}</td><td>${esc(m.phone_masked)}<br>${tags}</td></tr>`;
          })
          .join("");
        document.getElementById("card-hint").hidden = true;
        const card = document.getElementById("household-card");
        card.innerHTML =
          `<h2>${esc(h.address)}</h2><p class="muted">${esc(h.number)} · ${esc(h.community.name)} · ${esc(h.unit_grid.name)} ${esc(h.unit_grid.code)}</p>` +
          `<table><thead><tr><th>${esc(text.name)}</th><th>${esc(text.id_number)}</th><th>${esc(text.phone)} · ${esc(text.tags)}</th></tr></thead>` +
          `<tbody>${rows}</tbody></table><p><a href="/registry/households/${Number(h.id)}/">${esc(text.open)}</a></p>`;
        window.GridGovUI.paint(document.getElementById("household-card"));
        document.getElementById("card").dataset.household = String(h.id);
      });
    }

    function search(query) {
      const list = document.getElementById("search-results");
      const isId = /^\d{17}[\dXx]$/.test(query);
      // An ID number goes in a POST body, never in a URL (access logs, history, Referer).
      const found = isId
        ? postJSON("/api/residents/residents/lookup/?page_size=20", { id_number: query })
        : getJSON(`/api/residents/residents/?q=${encodeURIComponent(query)}&page_size=20`);
      found.then((page) => {
        list.innerHTML = page.results.length
          ? page.results.map((r) => `<li><a href="#" data-household="${Number(r.household)}">${esc(r.name)}</a> <span class="muted">${esc(r.address)} · ${esc(r.id_number_masked)}</span></li>`).join("")
          : `<li class="muted">${esc(text.none)}</li>`;
        list.querySelectorAll("a[data-household]").forEach((a) =>
          a.addEventListener("click", (event) => {
            event.preventDefault();
            const pk = Number(a.dataset.household);
            getJSON(`/api/residents/households/${pk}/`).then((h) => map.setView([h.lat, h.lon], 18));
            openHousehold(pk);
          })
        );
      });
    }

    measure.addEventListener("change", () => colour(areas.toGeoJSON().features));
    document.getElementById("map-search").addEventListener("submit", (event) => {
      event.preventDefault();
      const query = document.getElementById("search").value.trim();
      if (query) search(query);
    });
    let timer = null;
    map.on("moveend", () => {
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    load();
    window.householdMap = { map, houses, areas, openHousehold, load };
  };
})();
