// IncrementalWatch browser refresh: served by the watch's front door at /_iw/refresh.js and
// added to HTML pages in Development. It listens on /_iw/ws (the front door, same origin, so it
// outlives every restart of the app) for:
//   {type:"reload"}               the new version of the app is ready: reload the page
//   {type:"css", paths:[...]}     stylesheets changed under wwwroot/: swap them in place
//   {type:"static", paths:[...]}  other static files changed: reload the page
//   {type:"error", text:"..."}    the build failed: show its errors over the page
//   {type:"clear"}                the next build succeeded: remove them
(function () {
  if (window.__incrementalWatch) { return; }
  window.__incrementalWatch = true;
  var overlayId = "__incrementalwatch-error";

  function showError(text) {
    var overlay = document.getElementById(overlayId);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(24,24,24,.94);color:#ffb4b4;font:13px/1.45 ui-monospace,monospace;padding:24px;white-space:pre-wrap";
      document.documentElement.appendChild(overlay);
    }
    overlay.textContent = "Build failed (IncrementalWatch); the app keeps running the last good build.\n\n" + text;
  }

  function clearError() {
    var overlay = document.getElementById(overlayId);
    if (overlay) { overlay.remove(); }
  }

  function swapStylesheets(paths) {
    var links = Array.prototype.slice.call(document.querySelectorAll("link[rel~='stylesheet'][href]"));
    var swapped = 0;
    links.forEach(function (link) {
      var url = new URL(link.href, location.href);
      if (url.origin !== location.origin || paths.indexOf(url.pathname.toLowerCase()) < 0) { return; }
      url.searchParams.set("iw", String(Date.now()));
      var next = link.cloneNode();
      next.href = url.toString();
      next.onload = function () { link.remove(); };
      next.onerror = function () { link.remove(); };
      link.after(next);
      swapped++;
    });
    return swapped;
  }

  function connect(delay) {
    var socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/_iw/ws");
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "reload" || message.type === "static") {
        location.reload();
      } else if (message.type === "css") {
        if (swapStylesheets(message.paths.map(function (p) { return p.toLowerCase(); })) === 0) { location.reload(); }
      } else if (message.type === "error") {
        showError(message.text);
      } else if (message.type === "clear") {
        clearError();
      }
    };
    socket.onclose = function () {
      // The watch ended or restarted: try again, more slowly each time, up to every 5 s.
      setTimeout(function () { connect(Math.min(delay * 2, 5000)); }, delay);
    };
  }

  connect(250);
})();
