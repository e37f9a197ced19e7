/* ismsc: client-side search over window.ISMSC_SEARCH (set by assets/search-index.js).
   No server, no fetch: works from file://. Results are built with createElement and
   textContent only, never innerHTML. */
(function () {
  "use strict";
  var MAX = 20;
  var input = document.getElementById("search");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list) return;

  var html = document.documentElement;
  var root = html.getAttribute("data-root");
  if (root === null && document.body) root = document.body.getAttribute("data-root");
  root = root || "";

  var entries = [];
  var data = window.ISMSC_SEARCH;
  if (Object.prototype.toString.call(data) === "[object Array]") {
    for (var i = 0; i < data.length; i++) {
      var d = data[i];
      if (!d || typeof d.href !== "string" || !safeHref(d.href)) continue;
      var id = str(d.id), title = str(d.title), kind = str(d.kind), text = str(d.text);
      entries.push({
        id: id, title: title, kind: kind, href: d.href, order: i,
        lid: id.toLowerCase(), ltitle: title.toLowerCase(), ltext: text.toLowerCase()
      });
    }
  }

  function str(v) { return v === null || v === undefined ? "" : String(v); }

  /* The index holds paths relative to the site root; refuse anything else. */
  function safeHref(h) {
    return h !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(h) && h.charAt(0) !== "/" && h.charAt(0) !== "\\";
  }

  /* Rank: 0 exact id, 1 id starts with the query, 2 id contains it, 3 title contains it,
     4 every word in the title or id, 5 every word somewhere (the text too); -1 no match. */
  function rank(e, q, words) {
    if (e.lid !== "" && e.lid === q) return 0;
    if (e.lid !== "" && e.lid.indexOf(q) === 0) return 1;
    if (e.lid.indexOf(q) >= 0) return 2;
    if (e.ltitle.indexOf(q) >= 0) return 3;
    var inHead = true, anywhere = true;
    for (var k = 0; k < words.length; k++) {
      var w = words[k];
      var head = e.lid.indexOf(w) >= 0 || e.ltitle.indexOf(w) >= 0;
      if (!head) inHead = false;
      if (!head && e.ltext.indexOf(w) < 0 && e.kind.toLowerCase().indexOf(w) < 0) { anywhere = false; break; }
    }
    if (!anywhere) return -1;
    return inHead ? 4 : 5;
  }

  function search(query) {
    var q = query.trim().toLowerCase().replace(/\s+/g, " ");
    if (q === "") return [];
    var words = q.split(" ");
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var r = rank(entries[i], q, words);
      if (r >= 0) hits.push({ e: entries[i], r: r });
    }
    hits.sort(function (a, b) { return a.r - b.r || a.e.order - b.e.order; });
    return hits.slice(0, MAX);
  }

  var results = [];

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function render() {
    var q = input.value;
    results = search(q);
    clear(list);
    for (var i = 0; i < results.length; i++) {
      var e = results[i].e;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + e.href;
      a.textContent = e.id !== "" && e.id !== e.title ? e.id + " — " + e.title : (e.title || e.href);
      li.appendChild(a);
      if (e.kind !== "") {
        li.appendChild(document.createTextNode(" "));
        var span = document.createElement("span");
        span.className = "kind";
        span.textContent = e.kind;
        li.appendChild(span);
      }
      list.appendChild(li);
    }
    list.hidden = results.length === 0;
    if (status) {
      var t = q.trim() === "" ? "" : results.length === 0 ? "No matches" :
        results.length === 1 ? "1 result" : (results.length === MAX ? "First " + MAX + " results" : results.length + " results");
      status.textContent = t;
      status.className = "search-status" + (q.trim() !== "" && results.length === 0 ? " is-empty" : "");
    }
  }

  function links() { return list.getElementsByTagName("a"); }

  function close() {
    list.hidden = true;
    if (status) status.className = "search-status";
  }

  input.addEventListener("input", render);
  var quiet = false; /* set while the focus returns to the box after Escape */
  input.addEventListener("focus", function () { if (!quiet && input.value.trim() !== "") render(); });
  input.addEventListener("keydown", function (ev) {
    var a = links();
    if (ev.key === "Enter") {
      if (input.value.trim() !== "" && results.length === 0) render();
      if (a.length) { ev.preventDefault(); window.location.href = a[0].href; }
    } else if (ev.key === "ArrowDown") {
      if (a.length) { ev.preventDefault(); list.hidden = false; a[0].focus(); }
    } else if (ev.key === "Escape") {
      if (!list.hidden) { ev.preventDefault(); close(); } else { input.value = ""; render(); }
    }
  });
  list.addEventListener("keydown", function (ev) {
    var a = links(), n = -1;
    for (var i = 0; i < a.length; i++) if (a[i] === document.activeElement) n = i;
    if (n < 0) return;
    if (ev.key === "ArrowDown" && n + 1 < a.length) { ev.preventDefault(); a[n + 1].focus(); }
    else if (ev.key === "ArrowUp") { ev.preventDefault(); (n > 0 ? a[n - 1] : input).focus(); }
    else if (ev.key === "Home") { ev.preventDefault(); a[0].focus(); }
    else if (ev.key === "End") { ev.preventDefault(); a[a.length - 1].focus(); }
    else if (ev.key === "Escape") { ev.preventDefault(); close(); quiet = true; input.focus(); quiet = false; }
  });
  /* Close the list when the focus or a click lands outside the search box. */
  document.addEventListener("click", function (ev) {
    if (!input.parentNode.contains(ev.target)) close();
  });
  input.parentNode.addEventListener("focusout", function (ev) {
    if (ev.relatedTarget && !input.parentNode.contains(ev.relatedTarget)) close();
  });
  /* "/" focuses the search box, as on many documentation sites. */
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target, tag = t && t.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable)) return;
    ev.preventDefault();
    input.focus();
    input.select();
  });
  if (input.value.trim() !== "") render();
})();
