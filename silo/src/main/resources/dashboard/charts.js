// Small SVG line charts, written for this dashboard (no library). lineChart(el, series, opts)
// draws series = [{name, color, points: [[timeMillis, value], ...]}] into el, replacing what was
// there; an empty series list draws "no data yet". Values are shown as given (no smoothing).
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var W = 600, H = 160, L = 46, R = 8, T = 8, B = 20;
  var PALETTE = ['#3b82f6', '#ef4444', '#10b981', '#f59e0b', '#8b5cf6', '#ec4899', '#14b8a6', '#64748b'];

  function svgEl(name, attrs) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function fmt(v) {
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(0) + 'k';
    if (a >= 100 || v === Math.round(v)) return String(Math.round(v));
    return v.toFixed(1);
  }

  function clock(t) {
    var d = new Date(t);
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }

  function lineChart(el, series, opts) {
    opts = opts || {};
    el.textContent = '';
    var all = [];
    series.forEach(function (s) { s.points.forEach(function (p) { if (isFinite(p[1])) all.push(p); }); });
    if (all.length === 0) {
      var empty = document.createElement('p');
      empty.className = 'muted';
      empty.textContent = opts.empty || 'no data yet';
      el.appendChild(empty);
      return;
    }
    var t0 = Math.min.apply(null, all.map(function (p) { return p[0]; }));
    var t1 = Math.max.apply(null, all.map(function (p) { return p[0]; }));
    var v0 = Math.min.apply(null, all.map(function (p) { return p[1]; }));
    var v1 = Math.max.apply(null, all.map(function (p) { return p[1]; }));
    if (opts.zero !== false) v0 = Math.min(0, v0);
    if (v1 === v0) { v1 = v0 + 1; }
    if (t1 === t0) { t1 = t0 + 1; }
    var x = function (t) { return L + (t - t0) / (t1 - t0) * (W - L - R); };
    var y = function (v) { return T + (1 - (v - v0) / (v1 - v0)) * (H - T - B); };
    var svg = svgEl('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img' });
    svg.appendChild(svgEl('line', { x1: L, y1: y(v0), x2: W - R, y2: y(v0), stroke: '#ccd' }));
    [v0, (v0 + v1) / 2, v1].forEach(function (v) {
      var label = svgEl('text', { x: L - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#6b7380' });
      label.textContent = fmt(v) + (opts.unit || '');
      svg.appendChild(label);
      svg.appendChild(svgEl('line', { x1: L, y1: y(v), x2: W - R, y2: y(v), stroke: '#eef' }));
    });
    var single = all.every(function (p) { return p[0] === all[0][0]; });
    (single ? [[t0, 'start']] : [[t0, 'start'], [t1, 'end']]).forEach(function (tick) {
      var label = svgEl('text', { x: x(tick[0]), y: H - 4, 'text-anchor': tick[1], 'font-size': 11, fill: '#6b7380' });
      label.textContent = clock(tick[0]);
      svg.appendChild(label);
    });
    var legend = document.createElement('div');
    legend.className = 'legend';
    series.forEach(function (s, i) {
      var color = s.color || PALETTE[i % PALETTE.length];
      var pts = s.points.filter(function (p) { return isFinite(p[1]); });
      if (pts.length > 0) {
        var d = pts.map(function (p, j) { return (j ? 'L' : 'M') + x(p[0]).toFixed(1) + ' ' + y(p[1]).toFixed(1); }).join(' ');
        svg.appendChild(svgEl('path', { d: d, fill: 'none', stroke: color, 'stroke-width': 2,
          'vector-effect': 'non-scaling-stroke' }));
        if (pts.length === 1) svg.appendChild(svgEl('circle', { cx: x(pts[0][0]), cy: y(pts[0][1]), r: 3, fill: color }));
      }
      var item = document.createElement('span');
      var swatch = document.createElement('i');
      swatch.style.background = color;
      item.appendChild(swatch);
      var last = pts.length ? pts[pts.length - 1][1] : NaN;
      item.appendChild(document.createTextNode(s.name + (isFinite(last) ? ' ' + fmt(last) + (opts.unit || '') : '')));
      legend.appendChild(item);
    });
    el.appendChild(svg);
    el.appendChild(legend);
  }

  /** A small inline chart of values (oldest first) without axes, for a table cell. */
  function sparkline(values, title) {
    var w = 80, h = 18;
    var svg = svgEl('svg', { width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, 'class': 'spark', role: 'img' });
    var t = svgEl('title');
    t.textContent = title || '';
    svg.appendChild(t);
    var vs = values.filter(function (v) { return isFinite(v); });
    if (vs.length < 2) return svg;
    var max = Math.max.apply(null, vs.concat([1e-9]));
    var d = vs.map(function (v, i) {
      return (i ? 'L' : 'M') + (i * (w - 2) / (vs.length - 1) + 1).toFixed(1) + ' ' + (h - 1 - v / max * (h - 2)).toFixed(1);
    }).join(' ');
    svg.appendChild(svgEl('path', { d: d, fill: 'none', stroke: PALETTE[0], 'stroke-width': 1.5 }));
    return svg;
  }

  window.Charts = { lineChart: lineChart, format: fmt, sparkline: sparkline, palette: PALETTE };
})();
