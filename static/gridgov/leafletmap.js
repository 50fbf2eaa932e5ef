// Starts the maps of {% leaflet_map %} (templates/leaflet/_leaflet_map.html) from their data-*
// attributes: django-leaflet's own template does it with an inline <script>, which the
// Content-Security-Policy refuses. Same options, same events (map:init, then the callback).
(function () {
  "use strict";
  function start(container) {
    if (container.dataset.started) return;
    container.dataset.started = "1";
    // The callback is a global function's name, as the template tag takes it ("window.gridMapInit").
    const name = (container.dataset.callback || "").replace(/^window\./, "");
    const callback = name && /^[A-Za-z_$][\w$]*$/.test(name) ? window[name] || null : null;
    L.Map.djangoMap(container.id, {
      djoptions: JSON.parse(container.dataset.djoptions),
      initfunc: () => start(container),
      globals: false,
      callback,
    });
  }

  document.querySelectorAll("[data-leaflet-map]").forEach((container) => {
    const events = JSON.parse(container.dataset.loadevents || "[]");
    if (!events.length) start(container);
    else events.forEach((name) => window.addEventListener(name, () => start(container), false));
  });
})();
