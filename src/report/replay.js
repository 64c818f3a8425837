// The animated replay of report.html (src/report/replay.rs writes its data into the
// page as JSON). Plain script, no libraries, nothing fetched: it works from a file://
// URL. Keys: space plays or pauses, left and right step between blocks, + and - change
// the speed, Home and End jump. "#t=SECONDS" or "#t=end" in the URL opens at a moment.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("replay-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var net = $("replay-net"), tree = $("replay-tree"), line = $("replay-timeline");
  var N = D.shown.length, B = D.blocks.length, END = Math.max(D.end_ms, 1);
  // Okabe-Ito colours for honest miners (told apart with colour blindness); attackers
  // are black, drawn with a dotted outline while their blocks are private.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
    "#999933", "#882255", "#44AA99", "#6699CC", "#AA4499", "#117733"];
  function minerColour(m) {
    if (m === null || m === undefined) return "#bbbbbb";
    return D.miners[m].attacker ? "#111111" : PALETTE[m % PALETTE.length];
  }
  function time(ms) {
    var s = ms / 1000;
    if (s < 60) return s.toFixed(1) + " s";
    var m = Math.floor(s / 60), h = Math.floor(m / 60);
    if (h > 0) return h + " h " + (m % 60) + " min";
    return m + " min " + Math.floor(s % 60) + " s";
  }

  // Per shown node: the moments it connected blocks, and the best block it held
  // after each (most height, the first seen winning ties as in Bitcoin Core).
  var arrivals = [];
  for (var p = 0; p < N; p++) arrivals.push([]);
  D.blocks.forEach(function (b, id) {
    for (var q = 0; q < N; q++) {
      if (b.parent === null) arrivals[q].push([0, id]);
      else if (b.at[q] >= 0) arrivals[q].push([b.mined_ms + b.at[q], id]);
    }
  });
  var best = arrivals.map(function (list) {
    list.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
    var out = [], cur = -1;
    list.forEach(function (a) {
      if (cur < 0 || D.blocks[a[1]].height > D.blocks[cur].height) cur = a[1];
      out.push(cur);
    });
    return out;
  });
  function held(q, t) { // index of the last arrival at or before t, or -1
    var list = arrivals[q], lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid][0] <= t) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }
  // When a block became public: an honest miner's at once; an attacker's at the first
  // arrival at a node not the attacker's (its own node takes it only on release too).
  var minerNode = D.miners.map(function (m) { return D.shown.indexOf(m.node); });
  var released = D.blocks.map(function (b) {
    if (b.parent === null) return 0;
    if (b.miner === null || !D.miners[b.miner].attacker) return b.mined_ms;
    var first = Infinity, own = minerNode[b.miner];
    for (var q = 0; q < N; q++) if (q !== own && b.at[q] >= 0) first = Math.min(first, b.mined_ms + b.at[q]);
    return first;
  });

  // Layout: by region on a world-like plan, or a force-directed graph.
  var PLACES = { "north-america": [0.18, 0.33], "south-america": [0.3, 0.76], "europe": [0.5, 0.26],
    "asia-pacific": [0.7, 0.56], "japan": [0.87, 0.3], "australia": [0.86, 0.8] };
  var pos = [];
  if (D.region.length === N && N > 0) {
    var count = {};
    for (var i = 0; i < N; i++) {
      var name = D.region_names[D.region[i]], k = count[name] || 0, c = PLACES[name] || [0.5, 0.5];
      count[name] = k + 1;
      var r = 0.018 * Math.sqrt(k + 0.5), a = k * 2.39996;
      pos.push([c[0] + r * Math.cos(a) * 0.62, c[1] + r * Math.sin(a)]);
    }
  } else if (N <= 60 && D.links.length > 0) {
    // A small network: its shape teaches (a ring, two halves), so the links place it.
    for (var j = 0; j < N; j++) {
      var ang = 2 * Math.PI * j / N;
      pos.push([0.5 + 0.4 * Math.cos(ang), 0.5 + 0.4 * Math.sin(ang)]);
    }
    if (N > 3) force();
  } else {
    // A large random graph has no shape to show: nodes evenly over a disc (sunflower).
    for (var u = 0; u < N; u++) {
      var rr = 0.45 * Math.sqrt((u + 0.5) / N), aa = u * 2.39996;
      pos.push([0.5 + rr * Math.cos(aa) * 0.62, 0.5 + rr * Math.sin(aa)]);
    }
  }
  function force() { // Fruchterman-Reingold from the circle: deterministic, no randomness
    var kk = Math.sqrt(1 / N) * 0.6;
    for (var it = 0; it < 250; it++) {
      var disp = pos.map(function () { return [0, 0]; }), temp = 0.05 * (1 - it / 250);
      for (var a = 0; a < N; a++) for (var b = a + 1; b < N; b++) {
        var dx = pos[a][0] - pos[b][0], dy = pos[a][1] - pos[b][1], d = Math.sqrt(dx * dx + dy * dy) + 1e-6;
        var f = kk * kk / d; disp[a][0] += dx / d * f; disp[a][1] += dy / d * f; disp[b][0] -= dx / d * f; disp[b][1] -= dy / d * f;
      }
      D.links.forEach(function (l) {
        var dx = pos[l[0]][0] - pos[l[1]][0], dy = pos[l[0]][1] - pos[l[1]][1], d = Math.sqrt(dx * dx + dy * dy) + 1e-6;
        var f = d * d / kk; disp[l[0]][0] -= dx / d * f; disp[l[0]][1] -= dy / d * f; disp[l[1]][0] += dx / d * f; disp[l[1]][1] += dy / d * f;
      });
      for (var q = 0; q < N; q++) {
        var len = Math.sqrt(disp[q][0] * disp[q][0] + disp[q][1] * disp[q][1]) + 1e-9, s = Math.min(len, temp) / len;
        pos[q][0] = Math.min(0.95, Math.max(0.05, pos[q][0] + disp[q][0] * s));
        pos[q][1] = Math.min(0.95, Math.max(0.05, pos[q][1] + disp[q][1] * s));
      }
    }
    // Fit the drawing to the canvas.
    var xs = pos.map(function (v) { return v[0]; }), ys = pos.map(function (v) { return v[1]; });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    pos = pos.map(function (v) {
      return [0.08 + 0.84 * (v[0] - x0) / Math.max(x1 - x0, 1e-9), 0.08 + 0.84 * (v[1] - y0) / Math.max(y1 - y0, 1e-9)];
    });
  }

  var t = 0, playing = false, speedIndex = 0, lastFrame = null;
  var SPEEDS = [1, 5, 15, 60, 300, 1200, 3600, 14400];
  var speed = $("replay-speed");
  SPEEDS.forEach(function (s, i) {
    var o = document.createElement("option"); o.value = i;
    o.textContent = s === 1 ? "real time" : s + "\u00d7"; speed.appendChild(o);
    if (END / 1000 / s >= 45) speedIndex = i; // the whole run in about a minute or more
  });
  speedIndex = Math.min(speedIndex + 1, SPEEDS.length - 1);
  speed.value = speedIndex;

  function drawNet() {
    var g = net.getContext("2d"), W = net.width, H = net.height;
    g.clearRect(0, 0, W, H);
    g.font = "bold 18px sans-serif"; g.fillStyle = "#999";
    if (D.region.length === N) { // each region's name above its nodes
      var top = {};
      for (var i = 0; i < N; i++) {
        var nm = D.region_names[D.region[i]];
        top[nm] = Math.min(top[nm] === undefined ? 1 : top[nm], pos[i][1]);
      }
      Object.keys(top).forEach(function (nm) {
        var c = PLACES[nm] || [0.5, 0.5];
        g.textAlign = "center"; g.fillText(nm.replace("-", " "), c[0] * W, Math.max(20, top[nm] * H - 14)); g.textAlign = "start";
      });
    }
    g.strokeStyle = "rgba(0,0,0,0.12)"; g.lineWidth = 1; g.beginPath();
    D.links.forEach(function (l) {
      g.moveTo(pos[l[0]][0] * W, pos[l[0]][1] * H); g.lineTo(pos[l[1]][0] * W, pos[l[1]][1] * H);
    });
    g.stroke();
    var down = faultsAt(t).length > 0, colours = [];
    var flash = Math.max(SPEEDS[speedIndex] * 400, 300); // 0.4 s of watching
    for (var q = 0; q < N; q++) {
      var h = held(q, t), tip = h >= 0 ? best[q][h] : 0, x = pos[q][0] * W, y = pos[q][1] * H;
      var miners = D.miners.some(function (m) { return m.node === D.shown[q]; });
      g.beginPath(); g.arc(x, y, miners ? 8 : 5, 0, 2 * Math.PI);
      g.fillStyle = minerColour(D.blocks[tip].miner); g.fill(); colours.push(g.fillStyle);
      if (miners) { g.lineWidth = 2; g.strokeStyle = "#000"; g.stroke(); }
      if (h >= 0 && t - arrivals[q][h][0] < flash && arrivals[q][h][0] > 0) {
        g.beginPath(); g.arc(x, y, 10, 0, 2 * Math.PI); g.lineWidth = 2;
        g.strokeStyle = minerColour(D.blocks[arrivals[q][h][1]].miner); g.stroke();
      }
    }
    if (down) { g.fillStyle = "rgba(200,0,0,0.06)"; g.fillRect(0, 0, W, H); }
    net.setAttribute("data-colours", colours.join(" ")); // what is drawn, for tests
  }

  function drawTree() {
    var g = tree.getContext("2d"), W = tree.width, H = tree.height;
    g.clearRect(0, 0, W, H);
    var visible = [], top = 0;
    D.blocks.forEach(function (b, id) { if (b.mined_ms <= t) { visible.push(id); top = Math.max(top, b.height); } });
    // The bottom lane is the best public chain now (most height, the first public
    // winning ties), not the run's final main chain: nothing is drawn with hindsight.
    var lead = 0;
    visible.forEach(function (id) {
      var b = D.blocks[id], l = D.blocks[lead];
      if (released[id] <= t && (b.height > l.height || (b.height === l.height && released[id] < released[lead]))) lead = id;
    });
    var onLead = {};
    for (var k = lead; k !== null; k = D.blocks[k].parent) onLead[k] = true;
    var cols = 8, low = Math.max(0, top - cols + 1), lanes = {}, used = {};
    visible.forEach(function (id) {
      var b = D.blocks[id]; if (b.height < low) return;
      var lane = onLead[id] ? 0 : 1; while (used[b.height + ":" + lane]) lane++;
      used[b.height + ":" + lane] = true; lanes[id] = lane;
    });
    var cw = W / cols, rh = 58;
    function at(id) { var b = D.blocks[id]; return [(b.height - low) * cw + 8, 30 + lanes[id] * rh]; }
    g.lineWidth = 2; g.strokeStyle = "#888";
    visible.forEach(function (id) {
      var b = D.blocks[id]; if (!(id in lanes) || b.parent === null || !(b.parent in lanes)) return;
      var c = at(id), p = at(b.parent); g.beginPath(); g.moveTo(p[0] + cw - 16, p[1] + 16); g.lineTo(c[0], c[1] + 16); g.stroke();
    });
    // A block some shown node builds on now is alive; a block off the final main chain
    // that nobody builds on any more is drawn faded: stale as of this moment, not
    // with hindsight (during a partition both sides' branches are alive).
    var alive = {};
    for (var q = 0; q < N; q++) {
      var h = held(q, t), id = h >= 0 ? best[q][h] : 0;
      while (id !== null && !alive[id] && D.blocks[id].height >= low) { alive[id] = true; id = D.blocks[id].parent; }
    }
    g.font = "bold 16px sans-serif";
    visible.forEach(function (id) {
      if (!(id in lanes)) return;
      var b = D.blocks[id], c = at(id), priv = released[id] > t;
      var stale = !onLead[id] && !alive[id] && !priv;
      g.globalAlpha = stale ? 0.45 : 1;
      g.fillStyle = minerColour(b.miner); g.fillRect(c[0], c[1], cw - 16, 32);
      if (priv) { g.setLineDash([4, 3]); g.strokeStyle = "#d00"; g.lineWidth = 3; g.strokeRect(c[0], c[1], cw - 16, 32); g.setLineDash([]); }
      g.fillStyle = "#fff"; g.font = id >= 100 ? "bold 12px sans-serif" : "bold 16px sans-serif";
      g.fillText(b.parent === null ? "G" : String(id), c[0] + 4, c[1] + 22);
      g.globalAlpha = 1;
    });
    g.fillStyle = "#444"; g.font = "15px sans-serif";
    g.fillText("block tree (ids as in the story), heights " + low + "\u2013" + top, 6, 18);
    // The tree in words, for screen readers (and tests): the blocks drawn, by id.
    var ids = Object.keys(lanes).map(Number).sort(function (a, b) { return a - b; });
    tree.setAttribute("aria-label", "block tree, blocks " + ids.map(function (id) {
      return (D.blocks[id].parent === null ? "genesis" : id) + (onLead[id] ? "" : " (off the best chain)");
    }).join(", "));
  }

  function faultsAt(now) {
    return D.faults.filter(function (f) { return f.start_ms <= now && (f.end_ms === null || now < f.end_ms); });
  }
  function drawTimeline() {
    var g = line.getContext("2d"), W = line.width, H = line.height;
    g.clearRect(0, 0, W, H);
    D.faults.forEach(function (f) {
      var a = f.start_ms / END * W, b = (f.end_ms === null ? END : f.end_ms) / END * W;
      g.fillStyle = "rgba(220,0,0,0.25)"; g.fillRect(a, 0, Math.max(b - a, 2), H);
    });
    D.blocks.forEach(function (b) {
      if (b.parent === null) return;
      g.fillStyle = minerColour(b.miner); g.fillRect(b.mined_ms / END * W - 1, b.main ? 4 : 14, 3, 10);
    });
    g.fillStyle = "#000"; g.fillRect(t / END * W - 1, 0, 3, H);
  }

  function status() {
    var mined = D.blocks.filter(function (b) { return b.parent !== null && b.mined_ms <= t; }).length;
    var last = -1;
    D.blocks.forEach(function (b, id) { if (b.parent !== null && b.mined_ms <= t) last = id; });
    var text = "t = " + time(t) + " \u00b7 " + mined + (mined === 1 ? " block" : " blocks") + " mined";
    if (last >= 0) {
      var reached = D.blocks[last].at.filter(function (x) { return x >= 0 && D.blocks[last].mined_ms + x <= t; }).length;
      var miner = D.blocks[last].miner;
      text += " \u00b7 block " + last + " (height " + D.blocks[last].height + ") by miner " + miner +
        (D.miners[miner] && D.miners[miner].attacker ? " (attacker)" : "") +
        (released[last] > t ? ", kept private by the attacker" : " held by " + reached + " of " + N + " shown nodes");
    }
    faultsAt(t).forEach(function (f) { text += " \u00b7 " + f.kind + " under way (" + f.nodes + " nodes)"; });
    $("replay-status").textContent = text;
    $("replay-time").value = Math.round(t / END * 1000);
  }

  function legend() {
    var parts = [];
    D.miners.forEach(function (m, i) {
      parts.push("<span style=\"color:" + minerColour(i) + "\">\u25a0</span> miner " + i + (m.attacker ? " (attacker)" : "") + " " + (100 * m.share).toFixed(1) + "%");
    });
    var note = "Each dot is a node, coloured by the miner of the best block it holds; a ring marks a block just arrived; black-ringed dots are miners' nodes. ";
    note += N < D.nodes_total ? "Showing " + N + " of " + D.nodes_total + " nodes (the miners and an even spread of the rest). " : "All " + N + " nodes shown. ";
    if (D.blocks_total > B - 1) note += "The first " + (B - 1) + " of " + D.blocks_total + " blocks. ";
    note += "Target: one block every " + time(D.target_interval_s * 1000);
    if (D.mean_interval_s !== null) note += "; this run's main chain: one every " + time(D.mean_interval_s * 1000) + " on average";
    note += ". Dashed red outline: an attacker's block still private. Red bands: faults. The tree's bottom lane is the best public chain at that moment.";
    $("replay-legend").innerHTML = parts.map(function (p) { return "<span>" + p + "</span>"; }).join("") + "<br>" + note;
  }

  function draw() { drawNet(); drawTree(); drawTimeline(); status(); }
  function setPlaying(on) { playing = on; $("replay-play").textContent = on ? "Pause" : "Play"; lastFrame = null; if (on) requestAnimationFrame(frame); }
  function frame(now) {
    if (!playing) return;
    if (lastFrame !== null) t = Math.min(END, t + (now - lastFrame) * SPEEDS[speedIndex]);
    lastFrame = now; draw();
    if (t >= END) setPlaying(false); else requestAnimationFrame(frame);
  }
  function step(dir) {
    var times = D.blocks.map(function (b) { return b.mined_ms; }).filter(function (m) { return dir > 0 ? m > t : m < t; });
    if (times.length) t = dir > 0 ? Math.min.apply(null, times) : Math.max.apply(null, times);
    else t = dir > 0 ? END : 0;
    draw();
  }
  function setSpeed(i) { speedIndex = Math.max(0, Math.min(SPEEDS.length - 1, i)); speed.value = speedIndex; }

  function toggle() { if (t >= END) t = 0; setPlaying(!playing); }
  $("replay-play").onclick = toggle;
  $("replay-back").onclick = function () { step(-1); };
  $("replay-next").onclick = function () { step(1); };
  $("replay-time").oninput = function (e) { t = e.target.value / 1000 * END; draw(); };
  speed.onchange = function () { setSpeed(+speed.value); };
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return; // the browser's own (zoom, ...)
    if ((e.target.tagName === "INPUT" && e.key !== " ") || e.target.tagName === "SELECT") return;
    var keys = { " ": toggle, ArrowRight: function () { step(1); },
      ArrowLeft: function () { step(-1); }, "+": function () { setSpeed(speedIndex + 1); },
      "-": function () { setSpeed(speedIndex - 1); }, Home: function () { t = 0; draw(); },
      End: function () { t = END; draw(); } };
    if (keys[e.key]) { keys[e.key](); e.preventDefault(); }
  });
  var m = /#t=([^&]+)/.exec(location.hash), at = m ? Number(m[1]) : NaN;
  if (m && m[1] === "end") t = END;
  else if (isFinite(at) && at >= 0) t = Math.min(END, at * 1000);
  legend(); draw();
  if (location.hash === "#play") { // the lab's page opens a new run so
    $("replay-heading").scrollIntoView();
    setPlaying(true);
  }
  net.setAttribute("data-nodes", String(N));
})();
