/* framing term explorer. Offline, no library. Corpus text reaches the page only through
   textContent and setAttribute of fixed attribute names; nothing is parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var readable = {};
  data.readable.forEach(function (id) { readable[id] = true; });
  var SVG = "http://www.w3.org/2000/svg";
  var W = 640, H = 600, M = { left: 58, right: 16, top: 16, bottom: 46 };
  var chosen = null;
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function make(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function option(select, value, label) {
    var o = make("option", label);
    o.value = value;
    select.appendChild(o);
  }
  function mix(a, b, t) {
    return "rgb(" + [0, 1, 2].map(function (i) { return Math.round(a[i] + (b[i] - a[i]) * t); }).join(",") + ")";
  }
  function colour(z) {
    var t = Math.min(Math.abs(z), 6) / 6;
    if (Math.abs(z) < 1.96) { return "rgb(187,187,187)"; }
    return z > 0 ? mix([150, 180, 220], [31, 95, 168], t) : mix([240, 190, 160], [217, 98, 43], t);
  }
  function group() { return data.groupings[$("grouping").value].data[$("group").value]; }
  function rate(n, words) { return words > 0 ? n / words * 1e4 : 0; }
  function fmt(x) { return x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(2); }
  var LO = -1.3;  // log10 of the smallest rate drawn (0.05 per 10,000 words); zero is drawn there
  function scale(value, hi, size, start, flip) {
    var v = Math.max(LO, Math.log10(Math.max(value, 1e-9)));
    var t = (v - LO) / (hi - LO);
    return flip ? start + size - t * size : start + t * size;
  }

  data.order.forEach(function (by) { option($("grouping"), by, by); });
  function fillGroups() {
    var g = data.groupings[$("grouping").value];
    clear($("group"));
    g.groups.forEach(function (name) { option($("group"), name, name + " (" + g.data[name].articles + " articles)"); });
  }

  function draw() {
    var g = group(), plot = $("plot");
    clear(plot);
    var rows = g.terms, hi = 0;
    rows.forEach(function (r) { hi = Math.max(hi, rate(r[1], g.words[0]), rate(r[2], g.words[1])); });
    hi = Math.max(1, Math.ceil(Math.log10(hi || 1) * 2) / 2);
    var pw = W - M.left - M.right, ph = H - M.top - M.bottom;
    for (var e = -1; e <= hi; e += 1) {
      var x = scale(Math.pow(10, e), hi, pw, M.left, false), y = scale(Math.pow(10, e), hi, ph, M.top, true);
      plot.appendChild(svg("line", { x1: x, x2: x, y1: M.top, y2: M.top + ph, stroke: "#eee" }));
      plot.appendChild(svg("line", { x1: M.left, x2: M.left + pw, y1: y, y2: y, stroke: "#eee" }));
      var label = String(Math.pow(10, e) >= 1 ? Math.pow(10, e) : Math.pow(10, e).toFixed(1));
      var tx = svg("text", { x: x, y: M.top + ph + 16, "text-anchor": "middle", "font-size": 11, fill: "#555" });
      tx.textContent = label;
      plot.appendChild(tx);
      var ty = svg("text", { x: M.left - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "#555" });
      ty.textContent = label;
      plot.appendChild(ty);
    }
    plot.appendChild(svg("line", { x1: M.left, y1: M.top + ph, x2: M.left + pw, y2: M.top, stroke: "#999", "stroke-dasharray": "4 4" }));
    var xl = svg("text", { x: M.left + pw / 2, y: H - 8, "text-anchor": "middle", "font-size": 12 });
    xl.textContent = "uses per 10,000 words in the rest";
    plot.appendChild(xl);
    var yl = svg("text", { x: 14, y: M.top + ph / 2, "text-anchor": "middle", "font-size": 12, transform: "rotate(-90 14 " + (M.top + ph / 2) + ")" });
    yl.textContent = "uses per 10,000 words in " + $("group").value;
    plot.appendChild(yl);
    var ordered = rows.slice().sort(function (a, b) {
      var va = data.variants[data.terms[a[0]]] ? 1 : 0, vb = data.variants[data.terms[b[0]]] ? 1 : 0;
      return va - vb || Math.abs(a[3]) - Math.abs(b[3]) || a[0] - b[0];
    });
    ordered.forEach(function (r) {
      var term = data.terms[r[0]];
      var x = scale(rate(r[2], g.words[1]), hi, pw, M.left, false) + ((r[0] * 7919) % 7 - 3) * 0.4;
      var y = scale(rate(r[1], g.words[0]), hi, ph, M.top, true) + ((r[0] * 104729) % 7 - 3) * 0.4;
      var point;
      if (data.variants[term]) {
        point = svg("path", { d: "M" + x + " " + (y - 6) + "l6 6l-6 6l-6 -6z", fill: colour(r[3]), stroke: "#000", "stroke-width": 1 });
      } else {
        point = svg("circle", { cx: x, cy: y, r: 3.2, fill: colour(r[3]), "fill-opacity": 0.8 });
      }
      point.setAttribute("class", "pt" + (term === chosen ? " chosen" : ""));
      point.setAttribute("data-term", String(r[0]));
      var tip = svg("title", {});
      tip.textContent = term + " — z " + r[3] + "; " + r[1] + " uses in the group, " + r[2] + " in the rest" +
        (data.variants[term] ? "; lexicon: " + data.variants[term] : "");
      point.appendChild(tip);
      point.addEventListener("click", function () { show(term); });
      plot.appendChild(point);
    });
    lists(g);
  }

  function termButton(term) {
    var b = make("button", term, "term");
    b.type = "button";
    b.addEventListener("click", function () { show(term); });
    return b;
  }
  function lists(g) {
    var more = $("more"), less = $("less");
    clear(more);
    clear(less);
    $("more-title").textContent = "Used more by " + $("group").value;
    $("less-title").textContent = "Used more by the rest";
    g.terms.filter(function (r) { return r[3] > 0; }).slice(0, 25).forEach(function (r) {
      var li = make("li");
      li.appendChild(termButton(data.terms[r[0]]));
      li.appendChild(document.createTextNode(" z " + r[3]));
      more.appendChild(li);
    });
    g.terms.filter(function (r) { return r[3] < 0; }).slice(-25).reverse().forEach(function (r) {
      var li = make("li");
      li.appendChild(termButton(data.terms[r[0]]));
      li.appendChild(document.createTextNode(" z " + r[3]));
      less.appendChild(li);
    });
  }

  function show(term) {
    chosen = term;
    var g = group(), detail = $("detail");
    clear(detail);
    detail.appendChild(make("h2", term));
    var row = null;
    g.terms.forEach(function (r) { if (data.terms[r[0]] === term) { row = r; } });
    if (data.variants[term]) { detail.appendChild(make("p", "Lexicon variant: " + data.variants[term], "numbers")); }
    if (row) {
      detail.appendChild(make("p", $("group").value + ": " + row[1] + " uses (" + fmt(rate(row[1], g.words[0])) +
        " per 10,000 words) in " + row[4] + " articles; the rest: " + row[2] + " uses (" + fmt(rate(row[2], g.words[1])) +
        " per 10,000 words); z = " + row[3] + ".", "numbers"));
    } else {
      detail.appendChild(make("p", "Not among the terms shown for " + $("group").value + ".", "numbers"));
    }
    var lines = data.contexts[term];
    if (!lines) {
      detail.appendChild(make("p", "No lines were kept for this term: lines are kept for each group's most " +
        "distinctive terms and the lexicon's variants. In a notebook, framing.kwic(articles, \"" + term + "\") lists them all.", "small"));
    } else {
      detail.appendChild(make("p", lines.length + " line" + (lines.length === 1 ? "" : "s") + ", spread over the outlets:", "small"));
      var table = make("table", null, "lines");
      lines.forEach(function (l) {
        var tr = make("tr");
        var who = make("td");
        who.appendChild(make("div", l[0]));
        who.appendChild(make("div", l[1], "small"));
        tr.appendChild(who);
        tr.appendChild(make("td", l[2], "left"));
        tr.appendChild(make("td", l[3], "match"));
        tr.appendChild(make("td", l[4], "right"));
        var voice = make("td");
        voice.appendChild(make("span", l[5], "voice v-" + (["own", "quoted", "distanced"].indexOf(l[5]) >= 0 ? l[5] : "own")));
        tr.appendChild(voice);
        var read = make("td");
        if (readable[l[6]] && /^[0-9A-Za-z_-]+$/.test(l[6])) {
          var a = make("a", "read");
          a.setAttribute("href", "articles/" + l[6] + ".html");
          read.appendChild(a);
        }
        tr.appendChild(read);
        table.appendChild(tr);
      });
      detail.appendChild(table);
    }
    var points = document.querySelectorAll("#plot .pt");
    Array.prototype.forEach.call(points, function (p) {
      var on = data.terms[Number(p.getAttribute("data-term"))] === term;
      p.setAttribute("class", "pt" + (on ? " chosen" : ""));
    });
  }

  function search() {
    var q = $("search").value.trim().toLowerCase(), box = $("matches");
    clear(box);
    if (!q) { return; }
    var g = group(), found = [];
    g.terms.forEach(function (r) { var t = data.terms[r[0]]; if (t.indexOf(q) >= 0) { found.push(t); } });
    found.sort(function (a, b) { return (a.indexOf(q) - b.indexOf(q)) || (a.length - b.length) || (a < b ? -1 : 1); });
    if (!found.length) {
      box.textContent = "No term of " + $("group").value + " contains \u201c" + q + "\u201d.";
      return;
    }
    box.appendChild(document.createTextNode(found.length + " term" + (found.length === 1 ? "" : "s") + ": "));
    found.slice(0, 30).forEach(function (t) { box.appendChild(termButton(t)); });
  }

  $("grouping").addEventListener("change", function () { fillGroups(); draw(); search(); });
  $("group").addEventListener("change", function () { draw(); search(); if (chosen) { show(chosen); } });
  $("search").addEventListener("input", search);
  $("search").addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var q = $("search").value.trim().toLowerCase();
      if (data.contexts[q] || group().terms.some(function (r) { return data.terms[r[0]] === q; })) { show(q); }
    }
  });
  if (data.order.length) { fillGroups(); draw(); }
})();
