// toulmin HTML report: links the article and the diagram. Self-contained, no network access.
// All article text reaches the page through textContent, never as markup.
(function () {
  'use strict';

  var dataEl = document.getElementById('map-data');
  var map;
  try {
    map = JSON.parse(dataEl.textContent);
  } catch (e) {
    return;
  }
  var units = {};
  var outgoing = {};
  var incoming = {};
  map.units.forEach(function (u) { units[u.id] = u; incoming[u.id] = []; });
  map.relations.forEach(function (r) {
    if (!outgoing[r.from]) outgoing[r.from] = r;
    if (incoming[r.to]) incoming[r.to].push(r);
  });

  var body = document.body;
  var articlePane = document.getElementById('article');
  var diagram = document.getElementById('diagram');
  var svg = diagram ? diagram.querySelector('svg') : null;
  var tip = document.getElementById('tooltip');
  var pathInfo = document.getElementById('path-info');

  // --- elements of each unit and relation -------------------------------------------------

  var spanEls = {};
  Array.prototype.forEach.call(articlePane.querySelectorAll('span.unit[data-unit]'), function (el) {
    var id = el.getAttribute('data-unit');
    (spanEls[id] = spanEls[id] || []).push(el);
  });

  var nodeEls = {};   // unit id -> node group
  var labelEls = {};  // unit id -> label drawn outside the group (built-in renderer)
  var edgeEls = {};   // relation id -> edge element

  function svgById(id) {
    var el = document.getElementById(id);
    return el && svg && svg.contains(el) ? el : null;
  }

  if (svg) {
    map.units.forEach(function (u) {
      var el = svgById('node-' + u.id);
      if (!el) return;
      nodeEls[u.id] = el;
      el.classList.add('map-node');
      el.classList.add('role-' + u.role);
      el.setAttribute('data-unit', u.id);
      el.setAttribute('tabindex', '0');
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', u.role + ' ' + u.id + ': ' + (u.display || u.text));
      // The built-in renderer draws the label as the group's next sibling.
      var next = el.nextElementSibling;
      if (next && next.tagName.toLowerCase() === 'text' && !el.querySelector('text')) {
        labelEls[u.id] = next;
        next.classList.add('map-label');
        next.classList.add('role-' + u.role);
      }
    });
    map.relations.forEach(function (r) {
      var el = svgById('edge-' + r.id);
      if (el) edgeEls[r.id] = el;
    });
    if (Object.keys(edgeEls).length === 0 && map.relations.length) matchEdgesByGeometry();
    Object.keys(edgeEls).forEach(function (rid) { edgeEls[rid].classList.add('map-edge'); });
  }

  // Built-in SVGs have no edge ids: an edge is the relation whose two nodes its ends touch.
  function matchEdgesByGeometry() {
    var boxes = [];
    Object.keys(nodeEls).forEach(function (id) {
      try {
        var b = nodeEls[id].getBBox();
        boxes.push({ id: id, x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height });
      } catch (e) { /* not rendered */ }
    });
    function nearest(p) {
      var best = null, bestD = Infinity;
      boxes.forEach(function (b) {
        var dx = Math.max(b.x0 - p.x, 0, p.x - b.x1);
        var dy = Math.max(b.y0 - p.y, 0, p.y - b.y1);
        var d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = b.id; }
      });
      return best;
    }
    var byPair = {};
    map.relations.forEach(function (r) {
      byPair[r.from + ' ' + r.to] = byPair[r.from + ' ' + r.to] || [];
      byPair[r.from + ' ' + r.to].push(r);
    });
    Array.prototype.forEach.call(svg.querySelectorAll('path'), function (path) {
      if (path.closest('.map-node') || path.closest('defs')) return;
      var len;
      try { len = path.getTotalLength(); } catch (e) { return; }
      if (!(len > 0)) return;
      var a = nearest(path.getPointAtLength(0));
      var b = nearest(path.getPointAtLength(len));
      if (!a || !b || a === b) return;
      var list = byPair[a + ' ' + b] || byPair[b + ' ' + a];
      if (!list || !list.length) return;
      var r = list.shift();
      var holder = path.parentNode && path.parentNode.tagName.toLowerCase() === 'g' &&
        path.parentNode !== svg && !path.parentNode.classList.contains('map-node') ? path.parentNode : path;
      holder.setAttribute('data-relation', r.id);
      edgeEls[r.id] = holder;
    });
  }

  // --- path to the thesis ------------------------------------------------------------------

  function pathToThesis(uid) {
    var nodes = [uid], rels = [], seen = {};
    seen[uid] = true;
    var cur = uid;
    while (outgoing[cur]) {
      var r = outgoing[cur];
      rels.push(r);
      cur = r.to;
      if (seen[cur]) break;
      seen[cur] = true;
      nodes.push(cur);
    }
    return { nodes: nodes, rels: rels };
  }

  var selected = null;

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  function clearSelection() {
    Array.prototype.forEach.call(document.querySelectorAll('.sel, .onpath'), function (el) {
      el.classList.remove('sel');
      el.classList.remove('onpath');
    });
    if (diagram) diagram.classList.remove('has-sel');
    selected = null;
    showPathInfo(null);
  }

  function select(uid, origin) {
    if (!units[uid]) return;
    clearSelection();
    selected = uid;
    var p = pathToThesis(uid);
    p.nodes.forEach(function (id) {
      (spanEls[id] || []).forEach(function (el) { el.classList.add('onpath'); });
      if (nodeEls[id]) nodeEls[id].classList.add('onpath');
      if (labelEls[id]) labelEls[id].classList.add('onpath');
    });
    p.rels.forEach(function (r) { if (edgeEls[r.id]) edgeEls[r.id].classList.add('onpath'); });
    (spanEls[uid] || []).forEach(function (el) { el.classList.add('sel'); });
    if (nodeEls[uid]) nodeEls[uid].classList.add('sel');
    var item = document.querySelector('#outline .outline-unit[data-unit="' + uid + '"]');
    if (item) item.classList.add('sel');
    if (diagram && nodeEls[uid]) diagram.classList.add('has-sel');
    showPathInfo(p);
    if (origin === 'node' || origin === 'outline') {
      var first = (spanEls[uid] || [])[0];
      if (first) scrollArticleTo(first);
    }
    if (origin !== 'node' && nodeEls[uid]) revealPath(p.nodes);
  }

  // Centres a unit in the article pane (an animation of its own, so it also runs where smooth
  // scrolling is off).
  var scrollAnim = null;
  function scrollArticleTo(el) {
    var pr = articlePane.getBoundingClientRect();
    var r = el.getBoundingClientRect();
    var max = articlePane.scrollHeight - articlePane.clientHeight;
    var target = articlePane.scrollTop + (r.top - pr.top) - (articlePane.clientHeight - Math.min(r.height, articlePane.clientHeight)) / 2;
    target = Math.max(0, Math.min(max, target));
    if (articlePane.scrollHeight <= articlePane.clientHeight + 1) {
      el.scrollIntoView({ block: 'center' });
      return;
    }
    if (reducedMotion()) {
      articlePane.scrollTop = target;
      return;
    }
    var from = articlePane.scrollTop, t0 = null;
    if (scrollAnim) cancelAnimationFrame(scrollAnim);
    function step(ts) {
      if (t0 === null) t0 = ts;
      var k = Math.min(1, (ts - t0) / 300);
      articlePane.scrollTop = from + (target - from) * (1 - Math.pow(1 - k, 3));
      scrollAnim = k < 1 ? requestAnimationFrame(step) : null;
    }
    scrollAnim = requestAnimationFrame(step);
  }

  function showPathInfo(p) {
    if (!pathInfo) return;
    while (pathInfo.firstChild) pathInfo.removeChild(pathInfo.firstChild);
    if (!p) {
      pathInfo.textContent = 'Click a highlighted passage or a node to see its path to the thesis. ' +
        'Wheel or +/\u2212 to zoom, drag to pan. Esc clears.';
      return;
    }
    function add(tag, cls, text) {
      var el = document.createElement(tag);
      if (cls) el.className = cls;
      el.textContent = text;
      pathInfo.appendChild(el);
      return el;
    }
    var u = units[p.nodes[0]];
    add('b', '', u.id);
    add('span', '', ' (' + u.role + ')');
    p.rels.forEach(function (r) {
      add('span', 'rel-' + r.kind, r.kind === 'attack' ? ' \u22a3 attacks ' : ' \u2192 supports ');
      var hop = add('span', 'hop', r.to);
      if (units[r.to]) hop.textContent += ' (' + units[r.to].role + ')';
    });
    if (u.id === map.thesis) add('span', '', ' \u2014 the thesis');
    else if (!p.rels.length) add('span', '', ' \u2014 not linked to the thesis');
  }

  // --- tooltip -----------------------------------------------------------------------------

  function fmtScore(x) {
    return typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : String(x);
  }

  function fillTip(u, withText) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    function el(tag, cls, text, parent) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined && text !== null) e.textContent = text;
      (parent || tip).appendChild(e);
      return e;
    }
    var head = el('div', 'tip-head');
    el('span', 'chip role-' + u.role, u.role, head);
    if (u.kind) el('span', 'chip kind', u.kind, head);
    // Defeated under grounded semantics: the diagram fades it; the tooltip says so in words.
    if (u.status === 'out') el('span', 'chip out', 'out: defeated', head);
    el('span', 'tip-id', u.id, head);
    el('span', 'tip-meta', 'score ' + fmtScore(u.score) + ' \u00b7 stance ' + (u.stance || '\u2014'), head);
    if (withText) {
      var shown = u.display || u.text;
      var t = shown.length > 320 ? shown.slice(0, 317) + '\u2026' : shown;
      el('div', 'tip-text', t);
    }
    var where = [];
    if (u.section) where.push('section \u201c' + u.section + '\u201d');
    where.push('paragraph ' + u.paragraph);
    where.push('sentence ' + u.sentence);
    var row = el('div', 'tip-row');
    el('span', 'tip-label', 'where', row);
    row.appendChild(document.createTextNode(where.join(', ')));
    var r = outgoing[u.id];
    row = el('div', 'tip-row');
    el('span', 'tip-label', 'link', row);
    if (r) {
      row.appendChild(document.createTextNode((r.kind === 'attack' ? 'attacks ' : 'supports ') + r.to + ' '));
      el('code', '', r.rule, row);
      row.appendChild(document.createTextNode(' score ' + fmtScore(r.score)));
    } else {
      row.appendChild(document.createTextNode(u.id === map.thesis ? 'the thesis' : 'none'));
    }
    var inc = incoming[u.id] || [];
    if (inc.length) {
      var s = inc.filter(function (x) { return x.kind === 'support'; }).length;
      row = el('div', 'tip-row');
      el('span', 'tip-label', 'incoming', row);
      row.appendChild(document.createTextNode(s + ' support, ' + (inc.length - s) + ' attack'));
    }
    row = el('div', 'tip-row');
    el('span', 'tip-label', 'rules', row);
    if (u.rules.length) {
      u.rules.forEach(function (name, i) {
        if (i) row.appendChild(document.createTextNode(' '));
        el('code', '', name, row);
      });
    } else {
      row.appendChild(document.createTextNode('none (default role)'));
    }
    row = el('div', 'tip-row');
    el('span', 'tip-label', 'cues', row);
    if (u.cues.length) {
      u.cues.forEach(function (c, i) {
        if (i) row.appendChild(document.createTextNode(', '));
        el('span', 'tip-cue', '\u201c' + c.text + '\u201d', row);
        el('span', 'tip-lex', ' (' + c.lexicon + ')', row);
      });
    } else {
      row.appendChild(document.createTextNode('none'));
    }
  }

  function fillRelTip(r) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    var head = document.createElement('div');
    head.className = 'tip-head';
    var kind = document.createElement('span');
    kind.className = 'chip rel-' + r.kind;
    kind.textContent = r.kind;
    head.appendChild(kind);
    var id = document.createElement('span');
    id.className = 'tip-id';
    id.textContent = r.id;
    head.appendChild(id);
    var meta = document.createElement('span');
    meta.className = 'tip-meta';
    meta.textContent = 'score ' + fmtScore(r.score);
    head.appendChild(meta);
    tip.appendChild(head);
    var row = document.createElement('div');
    row.className = 'tip-row';
    var from = units[r.from], to = units[r.to];
    row.textContent = r.from + (from ? ' (' + from.role + ')' : '') +
      (r.kind === 'attack' ? ' attacks ' : ' supports ') + r.to + (to ? ' (' + to.role + ')' : '');
    tip.appendChild(row);
    row = document.createElement('div');
    row.className = 'tip-row';
    var label = document.createElement('span');
    label.className = 'tip-label';
    label.textContent = 'rule';
    row.appendChild(label);
    var code = document.createElement('code');
    code.textContent = r.rule;
    row.appendChild(code);
    tip.appendChild(row);
  }

  var tipOwner = null;

  function showTip(uid, anchor, withText) {
    var u = units[uid];
    if (!u || !tip) return;
    fillTip(u, withText);
    placeTip(anchor);
    tipOwner = uid;
  }

  function placeTip(anchor) {
    tip.hidden = false;
    var vw = window.innerWidth, vh = window.innerHeight;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = Math.min(Math.max(8, anchor.left), vw - w - 8);
    var y = anchor.bottom + 8;
    if (y + h > vh - 8) y = anchor.top - h - 8;
    if (y < 8) y = Math.max(8, vh - h - 8);
    tip.style.left = Math.round(x) + 'px';
    tip.style.top = Math.round(y) + 'px';
  }

  function hideTip() {
    if (tip) tip.hidden = true;
    tipOwner = null;
  }

  // The line box under the pointer, for spans that wrap over several lines.
  function anchorFor(el, ev) {
    var rects = el.getClientRects();
    if (ev && rects.length) {
      for (var i = 0; i < rects.length; i++) {
        var r = rects[i];
        if (ev.clientY >= r.top - 1 && ev.clientY <= r.bottom + 1) {
          return { left: ev.clientX - 20, top: r.top, bottom: r.bottom };
        }
      }
    }
    return rects.length ? rects[0] : el.getBoundingClientRect();
  }

  function wire(el, uid, origin) {
    el.addEventListener('mouseenter', function (ev) { showTip(uid, anchorFor(el, ev), origin === 'node'); });
    el.addEventListener('mouseleave', function () {
      if (document.activeElement !== el) hideTip();
    });
    el.addEventListener('focus', function () {
      var a = el.getBoundingClientRect();
      showTip(uid, a, origin === 'node');
    });
    el.addEventListener('blur', hideTip);
    el.addEventListener('click', function (ev) {
      if (suppressClick) return;
      ev.stopPropagation();
      if (selected === uid && origin === 'text') { clearSelection(); return; }
      select(uid, origin);
    });
    el.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        select(uid, origin);
      }
    });
  }

  Object.keys(spanEls).forEach(function (uid) {
    spanEls[uid].forEach(function (el) { wire(el, uid, 'text'); });
  });
  Object.keys(nodeEls).forEach(function (uid) { wire(nodeEls[uid], uid, 'node'); });
  map.relations.forEach(function (r) {
    var el = edgeEls[r.id];
    if (!el) return;
    el.addEventListener('mouseenter', function (ev) {
      if (drag && drag.moved) return;
      fillRelTip(r);
      placeTip({ left: ev.clientX - 20, top: ev.clientY - 6, bottom: ev.clientY + 6 });
      tipOwner = r.id;
    });
    el.addEventListener('mouseleave', hideTip);
  });

  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { clearSelection(); hideTip(); }
  });

  // --- role filters ------------------------------------------------------------------------

  function hiddenRoles() {
    var h = {};
    Array.prototype.forEach.call(document.querySelectorAll('input[data-role]'), function (cb) {
      if (!cb.checked) h[cb.getAttribute('data-role')] = true;
    });
    return h;
  }

  function applyFilters() {
    var h = hiddenRoles();
    Array.prototype.forEach.call(document.querySelectorAll('input[data-role]'), function (cb) {
      body.classList.toggle('hide-role-' + cb.getAttribute('data-role'), !cb.checked);
    });
    map.relations.forEach(function (r) {
      var el = edgeEls[r.id];
      if (!el) return;
      var a = units[r.from], b = units[r.to];
      el.classList.toggle('hidden-edge', !!((a && h[a.role]) || (b && h[b.role])));
    });
    Object.keys(nodeEls).forEach(function (uid) {
      var hidden = !!h[units[uid].role];
      if (hidden) nodeEls[uid].setAttribute('tabindex', '-1');
      else nodeEls[uid].setAttribute('tabindex', '0');
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('input[data-role]'), function (cb) {
    cb.addEventListener('change', applyFilters);
  });
  applyFilters();

  // --- collapsed view and outline ----------------------------------------------------------
  // Collapsed: only the thesis and the claims; every other unit folds into a count on its owner,
  // the nearest thesis or claim above it along first links (the outline's tree). A count opens
  // its owner's units again, by pointer or by keyboard, in the diagram and in the outline alike.

  var KEEP = { thesis: true, claim: true };
  var owner = {};
  var folds = {}; // owner id -> [unit ids]
  map.units.forEach(function (u) {
    if (KEEP[u.role]) return;
    var cur = u.id, seen = {};
    seen[cur] = true;
    while (outgoing[cur] && !seen[outgoing[cur].to]) {
      cur = outgoing[cur].to;
      seen[cur] = true;
      if (units[cur] && KEEP[units[cur].role]) {
        owner[u.id] = cur;
        (folds[cur] = folds[cur] || []).push(u.id);
        break;
      }
    }
  });

  var collapsed = false;
  var expanded = {};
  var outlineEls = {};
  Array.prototype.forEach.call(document.querySelectorAll('#outline li[data-unit]'), function (li) {
    outlineEls[li.getAttribute('data-unit')] = li;
  });
  var foldToggle = document.getElementById('fold-toggle');
  var outlineToggle = document.getElementById('outline-toggle');
  var badges = {};

  function foldSummary(id) {
    var byRole = {};
    (folds[id] || []).forEach(function (f) { byRole[units[f].role] = (byRole[units[f].role] || 0) + 1; });
    return Object.keys(byRole).sort().map(function (r) { return byRole[r] + ' ' + r; }).join(', ');
  }

  function isFolded(uid) {
    var u = units[uid];
    if (!collapsed || !u || KEEP[u.role]) return false;
    return !(owner[uid] && expanded[owner[uid]]);
  }

  function applyFold() {
    body.classList.toggle('collapsed', collapsed);
    if (diagram) diagram.classList.toggle('collapsed', collapsed);
    if (foldToggle) foldToggle.setAttribute('aria-pressed', collapsed ? 'true' : 'false');
    map.units.forEach(function (u) {
      var f = isFolded(u.id);
      if (nodeEls[u.id]) {
        nodeEls[u.id].classList.toggle('folded', f);
        nodeEls[u.id].setAttribute('tabindex', f ? '-1' : '0');
      }
      if (labelEls[u.id]) labelEls[u.id].classList.toggle('folded', f);
      if (outlineEls[u.id]) outlineEls[u.id].classList.toggle('folded', f);
    });
    map.relations.forEach(function (r) {
      if (edgeEls[r.id]) edgeEls[r.id].classList.toggle('folded', isFolded(r.from) || isFolded(r.to));
    });
    Object.keys(folds).forEach(function (id) {
      var open = expanded[id] ? 'true' : 'false';
      if (badges[id]) badges[id].setAttribute('aria-expanded', open);
      Array.prototype.forEach.call(document.querySelectorAll('#outline .fold-count'), function (b) {
        if (b.getAttribute('data-owner') === id) b.setAttribute('aria-expanded', open);
      });
    });
  }

  function toggleOwner(id) {
    expanded[id] = !expanded[id];
    applyFold();
  }

  // A count badge on each owner's node, drawn in the node's own coordinates.
  if (svg) {
    var NS = svg.namespaceURI;
    Object.keys(folds).forEach(function (id) {
      var node = nodeEls[id];
      if (!node || !node.parentNode) return;
      var box;
      try { box = node.getBBox(); } catch (e) { return; }
      var n = folds[id].length;
      var label = '+' + n;
      var w = 14 + label.length * 8, h = 20;
      var g = document.createElementNS(NS, 'g');
      g.setAttribute('class', 'fold-badge');
      g.setAttribute('data-owner', id);
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-expanded', 'false');
      g.setAttribute('aria-label', 'Show or hide the ' + n + ' units folded under ' + id + ': ' + foldSummary(id));
      var x = box.x + box.width - w + 6, y = box.y - h / 2;
      var rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('x', x); rect.setAttribute('y', y);
      rect.setAttribute('width', w); rect.setAttribute('height', h);
      rect.setAttribute('rx', h / 2);
      g.appendChild(rect);
      var t = document.createElementNS(NS, 'text');
      t.setAttribute('x', x + w / 2); t.setAttribute('y', y + h / 2 + 5);
      t.setAttribute('text-anchor', 'middle');
      t.textContent = label;
      g.appendChild(t);
      node.parentNode.insertBefore(g, node.nextSibling);
      g.addEventListener('click', function (ev) { ev.stopPropagation(); toggleOwner(id); });
      g.addEventListener('pointerdown', function (ev) { ev.stopPropagation(); });
      g.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); ev.stopPropagation(); toggleOwner(id); }
      });
      badges[id] = g;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('#outline .fold-count'), function (b) {
    b.addEventListener('click', function (ev) { ev.stopPropagation(); toggleOwner(b.getAttribute('data-owner')); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('#outline .outline-unit'), function (el) {
    wire(el, el.getAttribute('data-unit'), 'outline');
  });
  if (foldToggle) {
    foldToggle.addEventListener('click', function () {
      collapsed = !collapsed;
      applyFold();
    });
  }
  if (outlineToggle) {
    outlineToggle.addEventListener('click', function () {
      var on = !body.classList.contains('show-outline');
      body.classList.toggle('show-outline', on);
      outlineToggle.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
  }
  applyFold();

  // --- zoom and pan (through the viewBox) --------------------------------------------------

  var suppressClick = false;
  if (!svg) return;

  var base = null;
  (function () {
    var vb = svg.viewBox && svg.viewBox.baseVal;
    if (vb && vb.width > 0 && vb.height > 0) {
      base = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    } else {
      try {
        var b = svg.getBBox();
        base = { x: b.x - 10, y: b.y - 10, w: b.width + 20, h: b.height + 20 };
      } catch (e) {
        base = { x: 0, y: 0, w: 1000, h: 1000 };
      }
    }
  })();
  var view = { x: base.x, y: base.y, w: base.w, h: base.h };
  var anim = null;

  // The first view: the whole map when it is legible at that size, otherwise a legible part of
  // it around the thesis (the fit button shows everything).
  function initialView() {
    var r = diagram.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return { x: base.x, y: base.y, w: base.w, h: base.h };
    var fit = Math.min(r.width / base.w, r.height / base.h);
    var legible = 0.8;
    if (fit >= legible * 0.75) return { x: base.x, y: base.y, w: base.w, h: base.h };
    var w = r.width / legible, h = r.height / legible;
    var cx = base.x + base.w / 2, cy = base.y + h / 2;
    var t = map.thesis && nodeEls[map.thesis];
    if (t) {
      var b = t.getBoundingClientRect();
      var c = toSvg(b.left + b.width / 2, b.top + b.height / 2);
      cx = c.x;
      cy = c.y - 90 / legible + h / 2;
    }
    cx = Math.max(base.x + w / 2, Math.min(base.x + base.w - w / 2, cx));
    cy = Math.max(base.y + h / 2, Math.min(base.y + base.h - h / 2, cy));
    if (w >= base.w) cx = base.x + base.w / 2;
    if (h >= base.h) cy = base.y + base.h / 2;
    return { x: cx - w / 2, y: cy - h / 2, w: w, h: h };
  }
  var home = initialView();
  view = { x: home.x, y: home.y, w: home.w, h: home.h };
  apply();

  function apply() {
    svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].map(function (n) {
      return Math.round(n * 100) / 100;
    }).join(' '));
  }

  function clampScale(v) {
    var maxW = base.w * 3, minW = Math.min(base.w, 120);
    var f = 1;
    if (v.w > maxW) f = maxW / v.w;
    if (v.w < minW) f = minW / v.w;
    if (f !== 1) {
      var cx = v.x + v.w / 2, cy = v.y + v.h / 2;
      v.w *= f; v.h *= f;
      v.x = cx - v.w / 2; v.y = cy - v.h / 2;
    }
    return v;
  }

  function animateTo(target) {
    target = clampScale(target);
    if (reducedMotion()) {
      view = { x: target.x, y: target.y, w: target.w, h: target.h };
      apply();
      return;
    }
    if (anim) cancelAnimationFrame(anim);
    var from = { x: view.x, y: view.y, w: view.w, h: view.h };
    var t0 = null, dur = 260;
    function step(ts) {
      if (t0 === null) t0 = ts;
      var k = Math.min(1, (ts - t0) / dur);
      var e = 1 - Math.pow(1 - k, 3);
      view.x = from.x + (target.x - from.x) * e;
      view.y = from.y + (target.y - from.y) * e;
      view.w = from.w + (target.w - from.w) * e;
      view.h = from.h + (target.h - from.h) * e;
      apply();
      anim = k < 1 ? requestAnimationFrame(step) : null;
    }
    anim = requestAnimationFrame(step);
  }

  function toSvg(cx, cy) {
    var m = svg.getScreenCTM();
    if (!m) return { x: view.x + view.w / 2, y: view.y + view.h / 2 };
    var p = svg.createSVGPoint();
    p.x = cx; p.y = cy;
    return p.matrixTransform(m.inverse());
  }

  function zoomAt(cx, cy, f, animated) {
    var p = toSvg(cx, cy);
    var t = {
      x: p.x - (p.x - view.x) * f,
      y: p.y - (p.y - view.y) * f,
      w: view.w * f,
      h: view.h * f
    };
    if (animated) { animateTo(t); return; }
    t = clampScale(t);
    view.x = t.x; view.y = t.y; view.w = t.w; view.h = t.h;
    apply();
  }

  function paneCenter() {
    var r = diagram.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  }

  function fitAll() { animateTo({ x: base.x, y: base.y, w: base.w, h: base.h }); }
  function reset() { animateTo({ x: home.x, y: home.y, w: home.w, h: home.h }); }

  // Pans (and zooms in when the node is too small to read) so the node is in view.
  function reveal(el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return; // hidden by a role filter
    var pr = diagram.getBoundingClientRect();
    var margin = 20;
    var outside = r.left < pr.left + margin || r.right > pr.right - margin ||
      r.top < pr.top + margin || r.bottom > pr.bottom - margin;
    var small = r.height < 34;
    if (!outside && !small) return;
    var c = toSvg(r.left + r.width / 2, r.top + r.height / 2);
    var f = 1;
    if (small && r.height > 0) f = r.height / 60;
    if (r.width / f > pr.width * 0.8) f = r.width / (pr.width * 0.8);
    var w = view.w * f, h = view.h * f;
    animateTo({ x: c.x - w / 2, y: c.y - h / 2, w: w, h: h });
  }

  // Shows the whole path to the thesis when it fits at a legible size, else the unit's node.
  function revealPath(ids) {
    var pr = diagram.getBoundingClientRect();
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, allIn = true;
    ids.forEach(function (id) {
      var el = nodeEls[id];
      if (!el) return;
      var r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      if (r.left < pr.left || r.right > pr.right || r.top < pr.top || r.bottom > pr.bottom) allIn = false;
      x0 = Math.min(x0, r.left); y0 = Math.min(y0, r.top);
      x1 = Math.max(x1, r.right); y1 = Math.max(y1, r.bottom);
    });
    var first = nodeEls[ids[0]];
    if (!(x1 > x0) || !first) return;
    var firstRect = first.getBoundingClientRect();
    if (allIn && firstRect.height >= 34) return;
    var a = toSvg(x0, y0), b = toSvg(x1, y1);
    var pad = 30;
    var w = b.x - a.x + 2 * pad, h = b.y - a.y + 2 * pad;
    var scale = Math.min(pr.width / w, pr.height / h);
    if (scale < 0.5) { reveal(first); return; }
    var m = svg.getScreenCTM();
    var now = m ? m.a : 1;
    scale = Math.min(scale, Math.max(now, 1.1));
    var vw = pr.width / scale, vh = pr.height / scale;
    var cx = (a.x + b.x) / 2, cy = (a.y + b.y) / 2;
    animateTo({ x: cx - vw / 2, y: cy - vh / 2, w: vw, h: vh });
  }

  diagram.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    var dy = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
    zoomAt(ev.clientX, ev.clientY, Math.exp(Math.max(-300, Math.min(300, dy)) * 0.0018), false);
  }, { passive: false });

  var drag = null;
  diagram.addEventListener('pointerdown', function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false, id: ev.pointerId };
  });
  diagram.addEventListener('pointermove', function (ev) {
    if (!drag || ev.pointerId !== drag.id) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && dx * dx + dy * dy < 16) return;
    if (!drag.moved) {
      drag.moved = true;
      diagram.classList.add('dragging');
      try { diagram.setPointerCapture(ev.pointerId); } catch (e) { /* ignore */ }
      if (anim) { cancelAnimationFrame(anim); anim = null; }
      hideTip();
    }
    var m = svg.getScreenCTM();
    var s = m ? m.a : 1;
    view.x = drag.vx - dx / s;
    view.y = drag.vy - dy / s;
    apply();
  });
  function endDrag(ev) {
    if (!drag || ev.pointerId !== drag.id) return;
    if (drag.moved) {
      suppressClick = true;
      setTimeout(function () { suppressClick = false; }, 0);
      diagram.classList.remove('dragging');
    }
    drag = null;
  }
  diagram.addEventListener('pointerup', endDrag);
  diagram.addEventListener('pointercancel', endDrag);

  diagram.addEventListener('click', function (ev) {
    if (suppressClick) return;
    if (!ev.target.closest || !ev.target.closest('.map-node')) clearSelection();
  });

  Array.prototype.forEach.call(document.querySelectorAll('[data-zoom]'), function (b) {
    b.addEventListener('click', function () {
      var c = paneCenter();
      var kind = b.getAttribute('data-zoom');
      if (kind === 'in') zoomAt(c.x, c.y, 1 / 1.4, true);
      else if (kind === 'out') zoomAt(c.x, c.y, 1.4, true);
      else if (kind === 'fit') fitAll();
      else reset();
    });
  });

  // Printing shows the whole map.
  var beforePrint = null;
  window.addEventListener('beforeprint', function () {
    beforePrint = { x: view.x, y: view.y, w: view.w, h: view.h };
    view = { x: base.x, y: base.y, w: base.w, h: base.h };
    apply();
    hideTip();
  });
  window.addEventListener('afterprint', function () {
    if (beforePrint) { view = beforePrint; apply(); beforePrint = null; }
  });
})();
