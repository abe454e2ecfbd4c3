// The console (Swagger UI) on demand. The page is the API reference, drawn by the server;
// Swagger UI's stylesheet and bundle are fetched only when the button asks for them, or
// when the address does: "?console", or one of Swagger UI's deep links ("#/tag/operation"),
// so a bookmark or a shared link opens the console directly. Back and Forward move between
// the reference and the console. Without JavaScript the reference is the whole page: the
// page hides what needs this script (.needs-script) in a <noscript>.
(function () {
  "use strict";
  var holder = document.getElementById("console");
  var reference = document.getElementById("reference");
  var open = document.getElementById("open-console");
  var close = document.getElementById("close-console");
  var hint = document.getElementById("console-hint");
  var status = document.getElementById("console-status");
  var main = document.getElementById("main");
  var loading = null;
  var ui = null;
  var push = history.pushState.bind(history);

  function wanted() {
    return /^#\/./.test(location.hash) || new URLSearchParams(location.search).has("console");
  }

  function fetched(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var node = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
      node.onload = resolve;
      node.onerror = function () { reject(new Error(attributes.src || attributes.href)); };
      document.head.appendChild(node);
    });
  }

  function start() {
    var data = holder.dataset;
    // Swagger UI writes the operation it opens into the address with pushState, an entry
    // per click (and two for a deep link). The address still follows it, for bookmarks and
    // shared links, but in place: Back leaves the console, as it came.
    history.pushState = function (state, title, address) {
      history.replaceState(state, title, address);
    };
    ui = SwaggerUIBundle({
      url: data.openapi,
      dom_id: "#console",
      oauth2RedirectUrl: data.oauth2Redirect,
      persistAuthorization: true,
      deepLinking: true,
      showExtensions: true,
      showCommonExtensions: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis]
    });
    ui.initOAuth(JSON.parse(data.initOauth));
  }

  function load() {
    if (!loading) {
      status.textContent = "Loading the console…";
      open.disabled = true;
      loading = Promise.all([
        fetched("link", { rel: "stylesheet", href: holder.dataset.css }),
        fetched("script", { src: holder.dataset.js })
      ]).then(start).then(function () {
        status.textContent = "";
      }, function () {
        loading = null;
        open.disabled = false;
        status.textContent = "The console could not be loaded. Check the connection and try again.";
        show(false);
      });
    }
    return loading;
  }

  function show(on) {
    reference.hidden = on;
    holder.hidden = !on;
    open.hidden = on;
    hint.hidden = on;
    close.hidden = !on;
    main.classList.toggle("wide", on);
  }

  function follow(focus) {
    var on = wanted();
    if (on && ui && location.hash) {  // already running: it reads a deep link only at start
      ui.layoutActions.parseDeepLinkHash(decodeURIComponent(location.hash));
    } else if (on) {
      load().then(function () {
        if (focus && !holder.hidden) { holder.focus(); }
      });
    }
    show(on);
    if (focus && !on) { open.focus(); }
  }

  function go(address, focus) {
    push(null, "", address);
    follow(focus);
  }

  open.addEventListener("click", function () { go("?console", true); });
  close.addEventListener("click", function () { go(location.pathname, true); });
  reference.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-console]");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      event.preventDefault();
      go(link.getAttribute("href"), false);
    }
  });
  window.addEventListener("popstate", function () { follow(false); });
  window.addEventListener("hashchange", function () { follow(false); });
  follow(false);
})();
