/* The classroom page (sim/viz/app.py) when its server goes away: a line in the tab's language says so (the texts
   come from the page itself, window.classroomTexts, written by sim.viz.memory.AddressBar), and once the server
   answers again the tab comes back by itself. Solara first tries to run the page again on the new server (the
   lesson is in the address); if the tab is still not connected a few seconds after the server answers, it is
   reloaded, which brings the lesson back from the address too. */
(function () {
  "use strict";
  var lostAt = null, answeredAt = null, banner = null, checking = false;
  function text(key) {
    var texts = window.classroomTexts || {};
    return texts[key] || "";
  }
  function show(key) {
    var message = text(key);
    if (!message) { return; }
    if (!banner) {
      banner = document.createElement("div");
      banner.setAttribute("role", "alert");
      document.body.appendChild(banner);
    }
    banner.className = "classroom-connection" + (key === "back" ? " back" : "");
    banner.textContent = message;
  }
  function hide() {
    if (banner) { banner.remove(); banner = null; }
  }
  function status() {
    return window.solara && window.solara.debug ? window.solara.debug.connectionStatus : null;
  }
  function serverAnswers() {
    if (checking) { return; }
    checking = true;
    fetch(window.location.pathname, { method: "HEAD", cache: "no-store" }).then(function (r) {
      if (r.ok && answeredAt === null) { answeredAt = Date.now(); }
    }).catch(function () { answeredAt = null; }).then(function () { checking = false; });
  }
  window.setInterval(function () {
    var s = status();
    if (s === null || s === undefined) { return; }            /* the page has not connected yet */
    if (s === "connected") {
      lostAt = null; answeredAt = null;
      hide();
      return;
    }
    if (lostAt === null) { lostAt = Date.now(); }
    if (answeredAt === null) {
      show("lost");
      serverAnswers();
    } else {
      show("back");
      if (Date.now() - answeredAt > 4000) { window.location.reload(); }
    }
  }, 1000);
})();
