// Grain profiling and grain state. Profiling: every silo's profile (in /api/status, under
// vitals.profile: per grain type and message, messages, failures, handling nanoseconds and a
// histogram) summed over the silos at each poll; the table's rates, mean and p99 are over the last
// WINDOW polls (p99 from the summed histogram deltas: the upper bound of the bucket it falls in).
// Grain state: a click on any [data-grain-type] element asks /api/grains/{type}/{id} and shows
// the answer, asked again at every poll while it is open.
(function () {
  'use strict';
  var R = window.Render, C = window.Charts;
  var WINDOW = 15, KEEP = 150;
  var snapshots = []; // [{t, rows: {key: {grain, message, messages, failures, nanos, buckets}}, bounds, active}]
  var sort = { key: 'rate', desc: true };
  var open = null; // {type, id} of the grain whose state is shown

  function key(g) { return g.grain + ' · ' + g.message; }

  /** Sums the silos' profiles into one snapshot (per grain type and message) and keeps it. */
  function record(status) {
    var rows = {}, active = {}, bounds = null;
    status.silos.forEach(function (s) {
      var p = s.vitals && s.vitals.profile;
      if (!p) return;
      bounds = bounds || p.boundsMicros;
      Object.keys(p.active || {}).forEach(function (g) {
        active[g] = active[g] || [];
        active[g].push({ silo: s.address, n: p.active[g] });
      });
      (p.grains || []).forEach(function (g) {
        var k = key(g), r = rows[k];
        if (!r) r = rows[k] = { grain: g.grain, message: g.message, messages: 0, failures: 0, nanos: 0, buckets: [] };
        r.messages += g.messages;
        r.failures += g.failures;
        r.nanos += g.nanos;
        g.buckets.forEach(function (b, i) { r.buckets[i] = (r.buckets[i] || 0) + b; });
      });
    });
    snapshots.push({ t: Date.now(), rows: rows, bounds: bounds || [], active: active });
    if (snapshots.length > KEEP) snapshots.shift();
  }

  /** Merges rows by grain type (all its messages), for the per-type table; a type with active instances and no message yet has a row too. */
  function byType(rows, active) {
    var out = {};
    Object.keys(active || {}).forEach(function (g) {
      out[g] = { grain: g, message: '(all)', messages: 0, failures: 0, nanos: 0, buckets: [] };
    });
    Object.keys(rows).forEach(function (k) {
      var r = rows[k], t = out[r.grain];
      if (!t) t = out[r.grain] = { grain: r.grain, message: '(all)', messages: 0, failures: 0, nanos: 0, buckets: [] };
      t.messages += r.messages;
      t.failures += r.failures;
      t.nanos += r.nanos;
      r.buckets.forEach(function (b, i) { t.buckets[i] = (t.buckets[i] || 0) + b; });
    });
    return out;
  }

  function p99(buckets, bounds) {
    var total = buckets.reduce(function (a, b) { return a + b; }, 0);
    if (total <= 0) return null;
    var need = Math.ceil(total * 0.99), seen = 0;
    for (var i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= need) return i < bounds.length ? '≤ ' + C.format(bounds[i] / 1000) : '> ' + C.format(bounds[bounds.length - 1] / 1000);
    }
    return null;
  }

  /** One table row: figures over the last WINDOW polls of the rows picked from each snapshot. */
  function figures(k, pick) {
    var last = snapshots[snapshots.length - 1], first = snapshots[Math.max(0, snapshots.length - 1 - WINDOW)];
    var b = pick(last)[k], a = pick(first)[k] || { messages: 0, failures: 0, nanos: 0, buckets: [] };
    var secs = Math.max(0.001, (last.t - first.t) / 1000);
    var dm = b.messages - a.messages, df = b.failures - a.failures;
    var db = b.buckets.map(function (v, i) { return v - (a.buckets[i] || 0); });
    var spark = [];
    for (var i = 1; i < snapshots.length; i++) {
      var x = pick(snapshots[i - 1])[k], y = pick(snapshots[i])[k];
      spark.push(x && y ? (y.messages - x.messages) * 1000 / (snapshots[i].t - snapshots[i - 1].t) : NaN);
    }
    var activeOf = (last.active[b.grain] || []);
    return {
      key: k, grain: b.grain, message: b.message,
      rate: first === last ? null : dm / secs,
      failures: first === last ? null : df / secs,
      mean: dm > 0 ? (b.nanos - a.nanos) / dm / 1e6 : null,
      p99: dm > 0 ? p99(db, last.bounds) : null,
      total: b.messages,
      active: activeOf.map(function (x) { return x.n; }).join(' · '),
      activeTitle: activeOf.map(function (x) { return x.silo + ': ' + x.n; }).join(', '),
      spark: spark
    };
  }

  var COLUMNS = [
    { key: 'grain', title: 'grain' },
    { key: 'message', title: 'message' },
    { key: 'rate', title: 'msgs/s', num: true },
    { key: 'mean', title: 'mean ms', num: true },
    { key: 'p99', title: 'p99 ms', num: true },
    { key: 'failures', title: 'failures/s', num: true },
    { key: 'total', title: 'handled', num: true },
    { key: 'active', title: 'active per silo', num: true }
  ];

  function cell(row, c) {
    var v = row[c.key];
    if (typeof v === 'number') v = C.format(v);
    var td = R.el('td', { 'class': c.num ? 'num' : '', text: v === null || v === undefined || v === '' ? '–' : String(v) });
    if (c.key === 'active') td.title = row.activeTitle;
    if (c.key === 'failures' && row.failures > 0) td.className += ' error';
    return td;
  }

  function compare(a, b) {
    var x = a[sort.key], y = b[sort.key];
    if (sort.key === 'p99') { x = x ? parseFloat(x.replace(/[^0-9.]/g, '')) : -1; y = y ? parseFloat(y.replace(/[^0-9.]/g, '')) : -1; }
    if (x === null || x === undefined) x = -Infinity;
    if (y === null || y === undefined) y = -Infinity;
    var r = typeof x === 'string' ? String(x).localeCompare(String(y)) : x - y;
    return sort.desc ? -r : r;
  }

  function fill(t, rows) {
    t.textContent = '';
    if (rows.length === 0) {
      t.appendChild(R.el('tbody', {}, [R.el('tr', {}, [R.el('td', { 'class': 'muted', text: 'no grain has handled a message yet' })])]));
      return;
    }
    t.appendChild(R.el('thead', {}, [R.el('tr', {}, COLUMNS.map(function (c) {
      var th = R.el('th', { 'class': (c.num ? 'num ' : '') + 'sortable', 'data-sort': c.key, text: c.title,
        'aria-sort': sort.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none' });
      th.addEventListener('click', function () {
        sort = { key: c.key, desc: sort.key === c.key ? !sort.desc : c.num };
        render();
      });
      return th;
    }).concat([R.el('th', { text: 'msgs/s, 5 min' })]))]));
    rows.sort(compare);
    t.appendChild(R.el('tbody', {}, rows.map(function (r) {
      var spark = R.el('td', {}, [C.sparkline(r.spark, r.key + ' messages/s')]);
      return R.el('tr', { 'data-grain': r.key }, COLUMNS.map(function (c) { return cell(r, c); }).concat([spark]));
    })));
  }

  function render() {
    if (snapshots.length === 0) return;
    var last = snapshots[snapshots.length - 1];
    var types = byType(last.rows, last.active);
    var typeMemo = snapshots.map(function (s) { return byType(s.rows, s.active); });
    var index = function (s) { return typeMemo[snapshots.indexOf(s)]; };
    fill(document.getElementById('grain-types'), Object.keys(types).map(function (k) { return figures(k, index); }));
    fill(document.getElementById('grain-messages'), Object.keys(last.rows).map(function (k) {
      return figures(k, function (s) { return s.rows; });
    }));
  }

  /** Renders any JSON value as nested definition lists and tables (arrays of objects). */
  function value(v) {
    if (v === null || v === undefined) return R.el('span', { 'class': 'muted', text: '–' });
    if (Array.isArray(v)) {
      if (v.length === 0) return R.el('span', { 'class': 'muted', text: 'none' });
      if (typeof v[0] === 'object' && v[0] !== null && !Array.isArray(v[0])) {
        var cols = Object.keys(v[0]);
        var t = R.el('table');
        R.table(t, cols.map(function (c) {
          return { title: c, num: typeof v[0][c] === 'number', value: function (r) { return typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : r[c]; } };
        }), v);
        return t;
      }
      return R.el('span', { text: v.join(', ') });
    }
    if (typeof v === 'object') {
      var dl = R.el('dl', { 'class': 'facts' });
      Object.keys(v).forEach(function (k) {
        dl.appendChild(R.el('dt', { text: k }));
        dl.appendChild(R.el('dd', { 'data-field': k }, [value(v[k])]));
      });
      return dl;
    }
    return R.el('span', { text: String(v) });
  }

  function showState(body) {
    var box = document.getElementById('grain-state');
    box.textContent = '';
    box.appendChild(R.el('p', { 'class': 'muted', text: 'asked ' + R.time(body.asOf) + ' · ' + body.instances.length + ' instance(s)' }));
    body.instances.forEach(function (i) {
      box.appendChild(R.el('div', { 'class': 'card', 'data-silo': i.silo || '' }, [
        R.el('h3', { text: (i.silo ? 'on ' + i.silo : 'instance') }), value(i.state)]));
    });
    Object.keys(body.related || {}).forEach(function (k) {
      box.appendChild(R.el('div', { 'class': 'card', 'data-related': k }, [R.el('h3', { text: k }), value(body.related[k])]));
    });
  }

  function refreshState(getJson) {
    if (!open) return Promise.resolve();
    var section = document.getElementById('grain-state-section');
    section.hidden = false;
    document.getElementById('grain-state-title').textContent = open.type + ' ' + open.id;
    var asked = open;
    return getJson('api/grains/' + encodeURIComponent(open.type) + '/' + encodeURIComponent(open.id)).then(function (body) {
      if (open === asked) showState(body);
    }, function (e) {
      if (open !== asked) return;
      var box = document.getElementById('grain-state');
      box.textContent = '';
      box.appendChild(R.el('p', { 'class': 'error', text: String(e.message || e) }));
    });
  }

  function listen(getJson) {
    document.addEventListener('click', function (e) {
      var target = e.target.closest ? e.target.closest('[data-grain-type]') : null;
      if (!target) return;
      open = { type: target.getAttribute('data-grain-type'), id: target.getAttribute('data-grain-id') };
      refreshState(getJson).then(function () {
        document.getElementById('grain-state-section').scrollIntoView({ block: 'nearest' });
      });
    });
    document.getElementById('grain-state-close').addEventListener('click', function () {
      open = null;
      document.getElementById('grain-state-section').hidden = true;
    });
  }

  window.Grains = { record: record, render: render, refreshState: refreshState, listen: listen };
})();
