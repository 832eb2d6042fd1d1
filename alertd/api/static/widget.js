/* alertd status banner.
 * <script src="https://alertd.example.com/widget.js" data-customer="ACME" async></script>
 * Optional: data-segment="enterprise-eu" (instead of data-customer), data-locale="ru",
 * data-target="#element-id" (default: top of <body>), data-interval="60" (seconds).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = script.src.replace(/\/widget\.js(\?.*)?$/, "");
  var customer = script.getAttribute("data-customer");
  var segment = script.getAttribute("data-segment");
  var url = base + "/api/v1/status" +
    (customer ? "?customer=" + encodeURIComponent(customer)
      : segment ? "?segment=" + encodeURIComponent(segment) : "");
  var interval = Math.max(15, parseInt(script.getAttribute("data-interval") || "60", 10));
  var WORDS = {
    en: { investigating: "Investigating", identified: "Identified", monitoring: "Monitoring a fix",
          maintenance: "Planned maintenance", active: "Maintenance in progress",
          workaround: "Workaround", none: "none yet", next: "Next update", eta: "Expected fix",
          noAction: "no action needed" },
    ru: { investigating: "Выясняем причину", identified: "Причина найдена",
          monitoring: "Наблюдаем за исправлением", maintenance: "Плановые работы",
          active: "Идут плановые работы", workaround: "Как обойти", none: "пока нет",
          next: "Следующее обновление", eta: "Ожидаемое исправление",
          noAction: "ничего делать не нужно" }
  };

  function when(iso, locale, zone) {
    if (!iso) return "";
    try {
      return new Date(iso).toLocaleString(locale, zone ? { timeZone: zone } : {});
    } catch (e) {
      return new Date(iso).toLocaleString();
    }
  }

  function line(parts) {
    var p = document.createElement("p");
    p.style.margin = "0.15em 0";
    p.textContent = parts.filter(Boolean).join(" · ");
    return p;
  }

  function render(feed) {
    var old = document.getElementById("alertd-banner");
    if (old) old.parentNode.removeChild(old);
    var incidents = feed.incidents || [], windows = feed.maintenance || [];
    if (!incidents.length && !windows.length) return;
    var c = feed.customer || {};
    var locale = script.getAttribute("data-locale") || c.locale || "en";
    var w = WORDS[locale.split("-")[0]] || WORDS.en;
    var zone = c.timezone;
    var box = document.createElement("div");
    box.id = "alertd-banner";
    box.setAttribute("role", "status");
    box.style.cssText = "font:14px/1.4 system-ui,sans-serif;padding:10px 16px;" +
      "border-bottom:2px solid;" + (incidents.length
        ? "background:#fde8e8;color:#7a1010;border-color:#d33;"
        : "background:#e8eefc;color:#1d3a7a;border-color:#4a6fd3;");
    incidents.forEach(function (it) {
      var head = document.createElement("strong");
      head.textContent = (w[it.stage] || it.stage) + ": " + it.title;
      box.appendChild(head);
      box.appendChild(line([it.impact, it.text]));
      box.appendChild(line([
        w.workaround + ": " + (it.workaround || w.none),
        it.eta ? w.eta + ": " + when(it.eta, locale, zone) : "",
        it.nextUpdateAt ? w.next + ": " + when(it.nextUpdateAt, locale, zone) : ""
      ]));
    });
    windows.forEach(function (m) {
      var head = document.createElement("strong");
      head.textContent = (m.active ? w.active : w.maintenance) + ": " + m.title;
      box.appendChild(head);
      box.appendChild(line([m.text, when(m.start, locale, zone) + " – " + when(m.end, locale, zone),
        w.workaround + ": " + (m.workaround || w.noAction)]));
    });
    var target = script.getAttribute("data-target");
    var host = (target && document.querySelector(target)) || document.body;
    host.insertBefore(box, host.firstChild);
  }

  function refresh() {
    fetch(url, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (feed) { if (feed) render(feed); })
      .catch(function () { /* the banner is best effort: never break the host page */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
  setInterval(refresh, interval * 1000);
})();
