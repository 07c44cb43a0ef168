// The dashboard's polling loop. Fast figures (silos, sources, grains, logs, an open grain's state)
// every 2 s; the engines, Kafka lag, history, alerts and data views every 10 s; nothing is
// fetched while the tab is hidden. The tables' rates are computed here from the counters of every
// silo (summed) between polls; the charts draw the silos' own history (history.js), so they are
// full from the first load.
// The sources, their topics and tables are the silo's (/api/sources, read on every fast poll):
// the page holds no list of its own, so a source added at run time shows on the next poll.
(function () {
  'use strict';
  var R = window.Render, C = window.Charts, G = window.Grains, H = window.SiloHistory, L = window.Logs, A = window.Alerts;
  var FAST = 2000, SLOW = 10000, KEEP = 150;
  // The last list /api/sources gave: when it fails, the rates and the lag panel go on with it
  // (the sources panel shows the error); null until it answered once.
  var known = null;
  var samples = [];
  var lastSlow = 0;
  var $ = function (id) { return document.getElementById(id); };

  function getJson(path) {
    return fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(path + ': ' + (body && body.error ? body.error : r.status));
        return body;
      });
    });
  }

  function show(id, promise, render) {
    return promise.then(render, function (e) {
      var target = $(id);
      target.hidden = false;
      target.textContent = '';
      target.appendChild(R.el('p', { 'class': 'error', text: String(e.message || e) }));
    });
  }

  function produced(c, topic) {
    return ((c.produced || {})[topic]) || ((c[topic] || {}).produced) || 0;
  }

  function sum(silos, pick) {
    return silos.reduce(function (acc, s) { return acc + (s.vitals ? pick(s.vitals.counters || {}) : 0); }, 0);
  }

  function topics(list) {
    return (list || []).map(function (s) { return s.topic; });
  }

  function record(status) {
    var s = { t: Date.now(), produced: {}, failures: {}, rows: {}, errors: 0, dead: 0 };
    topics(known).forEach(function (t) {
      s.produced[t] = sum(status.silos, function (c) { return produced(c, t); });
      s.failures[t] = sum(status.silos, function (c) {
        return ((c.publish_failures || {})[t] || 0) + ((c.malformed_source_data || {})[t] || 0)
          + ((c[t] || {}).malformed_events || 0) + ((c[t] || {}).oversize_events || 0);
      });
    });
    var tables = {};
    // Cassandra's estimate per table (rows of /api/status; no table is read to make it).
    s.estimates = {};
    Object.keys(status.rows || {}).forEach(function (t) {
      tables[t] = true;
      s.estimates[t] = status.rows[t].estimatedPartitions;
    });
    s.estimateSource = (status.rowsSources || {}).estimatedPartitions || '';
    status.silos.forEach(function (silo) {
      Object.keys(((silo.vitals || {}).counters || {}).rows_written || {}).forEach(function (t) { tables[t] = true; });
    });
    s.batches = {};
    s.micros = {};
    Object.keys(tables).forEach(function (t) {
      s.rows[t] = sum(status.silos, function (c) { return (c.rows_written || {})[t] || 0; });
      s.batches[t] = sum(status.silos, function (c) { return (c.write_batches || {})[t] || 0; });
      s.micros[t] = sum(status.silos, function (c) { return (c.write_batch_micros || {})[t] || 0; });
    });
    s.errors = sum(status.silos, function (c) { return Object.values(c.write_errors || {}).reduce(function (a, b) { return a + b; }, 0); });
    s.dead = sum(status.silos, function (c) { return Object.values(c.dead_letters || {}).reduce(function (a, b) { return a + b; }, 0); });
    samples.push(s);
    if (samples.length > KEEP + 1) samples.shift();
  }

  /** A rate needs the counter in both samples: a source added since, or a table first written, starts at its second sample (not with its whole count as one step). */
  function rates(kind, key) {
    var out = [];
    for (var i = 1; i < samples.length; i++) {
      var a = samples[i - 1], b = samples[i];
      if (!(key in a[kind]) || !(key in b[kind])) continue;
      var d = (b[kind][key] || 0) - (a[kind][key] || 0);
      out.push([b.t, Math.max(0, d) * 1000 / (b.t - a.t)]);
    }
    return out;
  }

  /** Mean write time of the batches written since the previous poll (else since the page opened). */
  function batchMillis(t) {
    if (samples.length < 2) return null;
    var a = samples[samples.length - 2], b = samples[samples.length - 1];
    var n = (b.batches[t] || 0) - (a.batches[t] || 0);
    if (n <= 0) {
      a = samples[0];
      n = (b.batches[t] || 0) - (a.batches[t] || 0);
    }
    return n > 0 ? C.format(((b.micros[t] || 0) - (a.micros[t] || 0)) / n / 1000) : null;
  }

  function renderStatus(status) {
    record(status);
    var silos = $('silos');
    silos.textContent = '';
    status.silos.forEach(function (s) {
      var v = s.vitals || {};
      var cpu = v.cpu === undefined || v.cpu < 0 ? null : (v.cpu * 100).toFixed(1) + ' %';
      var heapBar = R.el('div', { 'class': 'bar', title: 'heap' }, [R.el('span')]);
      heapBar.firstChild.style.width = (v.heapMax > 0 ? Math.min(100, 100 * v.heapUsed / v.heapMax) : 0) + '%';
      silos.appendChild(R.card(s.address, [
        ['status', s.status, 'state-' + s.status],
        ['roles', (s.roles || []).join(', ')],
        ['uptime', v.uptimeSeconds === undefined ? 'no answer' : R.duration(v.uptimeSeconds)],
        ['CPU', cpu],
        ['heap', R.bytes(v.heapUsed) + ' of ' + R.bytes(v.heapMax)],
        ['city grains', s.grains['city-weather']],
        ['singletons', (s.grains.singletons || []).join(', ') || 'none']
      ], [heapBar]));
    });
    var up = status.silos.filter(function (s) { return s.status === 'Up'; }).length;
    $('summary').textContent = up + ' of ' + status.silos.length + ' silos up';
    var last = samples[samples.length - 1];
    var tableNames = Object.keys(last.rows).sort();
    R.table($('tables'), [
      { title: 'table', value: function (t) { return t; } },
      { title: 'rows written', num: true, value: function (t) { return last.rows[t]; } },
      { title: '≈ partitions stored', num: true, value: function (t) { var e = last.estimates[t]; return e === undefined || e === null ? null : e; } },
      { title: 'rows/s', num: true, value: function (t) { var r = rates('rows', t); return r.length ? C.format(r[r.length - 1][1]) : null; } },
      { title: 'batch write ms', num: true, value: function (t) { return batchMillis(t); } }
    ], tableNames, 'no rows written yet');
    $('tables').appendChild(R.el('caption', { text: 'write errors ' + last.errors + ' · dead letters ' + last.dead
      + ' · rows written: by the silos up, since each started · ≈ partitions stored: ' + last.estimateSource }));
    G.record(status);
    G.render();
  }

  /** /api/health answers 503 with the same body when the silo is not healthy: the engines are in both. */
  function getHealth() {
    return fetch('api/health', { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) {
        if (!body || !body.engines) throw new Error('api/health: ' + (body && body.error ? body.error : r.status));
        return body;
      });
    });
  }

  function renderEngines(health) {
    var k = health.engines.kafka, c = health.engines.cassandra;
    var up = function (list) { return list.filter(function (x) { return x.state === 'up'; }).length; };
    var rep = c.replication;
    var facts = [
      ['Kafka', up(k.brokers) + ' of ' + k.brokers.length + ' brokers up' + (k.answered ? '' : ' · ' + (k.detail || 'no answer'))],
      ['controller', k.controller === null ? null : 'broker ' + k.controller],
      ['as of', R.age(k.asOf)],
      ['Cassandra', up(c.nodes) + ' of ' + c.nodes.length + ' nodes up' + (c.connected ? '' : ' · not connected')],
      ['keyspace', c.keyspace + (rep ? ' · ' + rep.strategy + ' · RF ' + (rep.replicationFactor === null ? '–' : rep.replicationFactor) : '')],
      ['write consistency', c.consistency ? c.consistency.write : null],
      ['read consistency', c.consistency ? c.consistency.read : null]
    ];
    var dl = $('engines');
    dl.textContent = '';
    facts.forEach(function (f) {
      dl.appendChild(R.el('dt', { text: f[0] }));
      dl.appendChild(R.el('dd', { 'data-fact': f[0], text: f[1] === null || f[1] === undefined ? '–' : String(f[1]) }));
    });
    R.table($('engines-kafka'), [
      { title: 'id', num: true, value: function (b) { return b.id; } },
      { title: 'address', value: function (b) { return b.address; } },
      { title: 'state', state: true, value: function (b) { return b.state; } },
      { title: 'role', value: function (b) { return b.controller ? 'controller' : null; } }
    ], k.brokers, 'no broker known');
    R.table($('engines-cassandra'), [
      { title: 'address', value: function (n) { return n.address; } },
      { title: 'datacenter', value: function (n) { return n.datacenter; } },
      { title: 'state', state: true, value: function (n) { return n.state; } }
    ], c.nodes, 'no node known');
  }

  function renderSources(list) {
    R.table($('sources'), [
      { title: 'source', value: function (s) { return s.name; }, grain: function (s) { return { type: 'source', id: s.name }; } },
      { title: 'kind', value: function (s) { return s.kind; } },
      { title: 'topic → table', value: function (s) { return s.topic + ' → ' + s.table; } },
      { title: 'state', state: true, value: function (s) { return s.state; } },
      { title: 'last event', value: function (s) { return R.age(s.lastEventTime); } },
      { title: 'events/s', num: true, value: function (s) { var r = rates('produced', s.topic); return r.length ? C.format(r[r.length - 1][1]) : null; } },
      { title: 'errors', num: true, value: function (s) { var l = samples[samples.length - 1]; return l ? l.failures[s.topic] : null; } },
      { title: 'detail / last error', wrap: true, value: function (s) { return s.lastError; } }
    ], list, 'no sources');
  }

  /**
   * A topic's last rewind (/api/topics/rewinds) as its heading says it: paused, rewinding with the
   * records re-read and remaining, or done; a done one only within the hour after it.
   */
  function rewindText(r) {
    if (!r || (r.state === 'done' && r.ageSeconds > 3600)) return null;
    var since = R.duration(r.ageSeconds) + ' ago';
    if (r.state === 'paused') return 'rewind (' + r.request + '): persisters paused, ' + since;
    if (r.state === 'rewinding') return 'rewinding (' + r.request + ', ' + since + '): ' +
      (r.reread === null ? '?' : r.reread) + ' of ' + r.records + ' re-read, ' +
      (r.remaining === null ? '?' : r.remaining) + ' remaining';
    return 'rewound (' + r.request + ') ' + since + ': ' + r.records + ' records re-read';
  }

  /**
   * One table per source's topic; before /api/sources ever answered, per topic the lag lists.
   * {@code both}: the lag rows and the rewinds (an empty list when that route failed).
   */
  function renderKafka(both) {
    var parts = both[0], rewinds = both[1] || [];
    var box = $('kafka');
    box.textContent = '';
    var shown = known ? topics(known) : parts.map(function (p) { return p.topic; })
      .filter(function (t, i, all) { return all.indexOf(t) === i; });
    shown.forEach(function (topic) {
      var rows = parts.filter(function (p) { return p.topic === topic; });
      var lag = rows.reduce(function (a, p) { return a + p.lag; }, 0);
      var t = R.el('table');
      R.table(t, [
        { title: 'p', num: true, value: function (p) { return p.partition; } },
        { title: 'end', num: true, value: function (p) { return p.endOffset; } },
        { title: 'committed', num: true, value: function (p) { return p.committed; } },
        { title: 'lag', num: true, value: function (p) { return p.lag; } },
        { title: 'member', value: function (p) { return p.member; } }
      ], rows, 'no partitions');
      var rewind = rewindText(rewinds.filter(function (r) { return r.topic === topic; })[0]);
      var head = [R.grainLink('persister', topic, topic), document.createTextNode(' · lag ' + lag)];
      if (rewind) head.push(R.el('span', { 'class': 'rewind', 'data-rewind': topic, text: ' · ' + rewind }));
      box.appendChild(R.el('div', {}, [R.el('h3', {}, head), t]));
    });
  }

  function renderWeather(cities) {
    var box = $('weather');
    return Promise.all(cities.map(function (c) {
      return getJson('api/weather/series?city=' + encodeURIComponent(c.id) + '&limit=200').then(function (s) {
        var chart = R.el('div', { 'class': 'chart', 'data-city': c.id });
        C.lineChart(chart, [{ name: c.id, points: s.points.filter(function (p) { return p.temp !== null; })
          .map(function (p) { return [Date.parse(p.at), p.temp]; }) }], { unit: '°', zero: false, empty: 'no reports yet' });
        var card = R.card(c.name + (c.country ? ', ' + c.country : ''), [
          ['state', c.state, 'state-' + c.state], ['silo', c.silo], ['last report', R.age(c.lastReport)],
          ['temperature', c.temperature === null ? null : c.temperature + ' °C'], ['last error', c.lastError]
        ], [chart]);
        var title = card.querySelector('h3');
        var link = R.grainLink('city', c.id, title.textContent);
        title.textContent = '';
        title.appendChild(link);
        return card;
      });
    })).then(function (cards) {
      box.textContent = '';
      if (cards.length === 0) box.appendChild(R.el('p', { 'class': 'muted', text: 'no cities: POST /api/cities {"city": "Hanoi,VN"}' }));
      cards.forEach(function (c) { box.appendChild(c); });
    });
  }

  function renderWikipedia(w) {
    var chips = $('wikis');
    chips.textContent = '';
    Object.keys(w.byWiki).sort(function (a, b) { return w.byWiki[b] - w.byWiki[a]; }).slice(0, 12).forEach(function (k) {
      chips.appendChild(R.el('span', { text: k + ' ' + w.byWiki[k] }));
    });
    R.table($('wikipedia'), [
      { title: 'when', value: function (c) { return R.age(c.at); } },
      { title: 'wiki', value: function (c) { return c.wiki; } },
      { title: 'title', wrap: true, value: function (c) { return c.title; } },
      { title: 'user', value: function (c) { return c.user + (c.bot ? ' (bot)' : ''); } }
    ], w.changes, 'no changes stored');
  }

  function renderSpacex(list) {
    R.table($('spacex'), [
      { title: 'date (UTC)', value: function (l) { return l.date ? l.date.replace('T', ' ').slice(0, 16) : null; } },
      { title: 'mission', wrap: true, value: function (l) { return l.mission; } },
      { title: 'rocket', value: function (l) { return l.rocket; } },
      { title: 'site', value: function (l) { return l.site; } }
    ], list, 'no upcoming launches stored');
  }

  function renderRows(id, wanted) {
    return function (rows) {
      var idx = wanted.map(function (c) { return rows.columns.indexOf(c); });
      R.table($(id), wanted.map(function (c, i) {
        return { title: c, wrap: c === 'error' || c === 'address', value: function (r) { return idx[i] < 0 ? null : r[idx[i]]; } };
      }), rows.rows, 'none');
    };
  }

  function renderDeadLetters(list) {
    R.table($('dead-letters'), [
      { title: 'topic', value: function (d) { return d.topic + '/' + d.partition + '@' + d.offset; } },
      { title: 'when', value: function (d) { return R.age(d.failedAt); } },
      { title: 'error', wrap: true, value: function (d) { return d.error; } }
    ], list, 'none');
  }

  function renderTimeline(events) {
    var ol = $('timeline');
    ol.textContent = '';
    if (events.length === 0) ol.appendChild(R.el('li', { 'class': 'muted', text: 'no events yet' }));
    events.forEach(function (e) {
      ol.appendChild(R.el('li', {}, [R.el('span', { 'class': 'muted', text: R.time(e.at) + ' ' }),
        R.el('span', { text: e.silo + ' ' }), R.el('span', { 'class': 'state-' + e.status, text: e.event })]));
    });
  }

  /** What promise gave, once before settled (whether or not it failed). */
  function after(promise, before) {
    var settled = before.then(function () {}, function () {});
    return Promise.all([promise, settled]).then(function (both) { return both[0]; });
  }

  function fast(sources) {
    // The rows of /api/status are the persisters' counters and Cassandra's size estimates (kept
    // 60 s by the silo): no table is counted, so the page can ask for them every poll.
    var status = after(getJson('api/status'), sources);
    return Promise.all([
      show('logs', getJson(L.path()), L.show),
      G.refreshState(getJson),
      show('silos', status, renderStatus),
      // After the status was recorded: the sources' events/s are rates of its counters.
      show('sources', after(sources, status), renderSources)
    ]);
  }

  function slow(sources) {
    return Promise.all([
      // The engines and the lag every 10 s, not 2 s: they are the dearest routes to the silo
      // (about 30-60 ms of its CPU each; see the README's Dashboard section).
      show('engines', getHealth(), renderEngines),
      // The rewinds cost nothing but the persisters' states unless one is going on.
      show('kafka', after(Promise.all([getJson('api/kafka/lag'),
        getJson('api/topics/rewinds').catch(function () { return []; })]), sources), renderKafka),
      show('history-cpu', getJson(H.path()), H.show),
      // Every 10 s: the silo evaluates its alerts at each history sample (10 s) anyway, and
      // the dead-letter rule reads Cassandra.
      show('alerts', getJson('api/alerts'), function (body) {
        var n = A.show(body);
        document.body.setAttribute('data-alerts', String(n));
      }),
      show('weather', getJson('api/cities'), renderWeather),
      show('wikipedia', getJson('api/wikipedia/recent?limit=15'), renderWikipedia),
      show('spacex', getJson('api/spacex/upcoming?limit=8'), renderSpacex),
      show('people', getJson('api/rows/fakerdata?limit=8'), renderRows('people', ['name', 'job', 'city', 'country', 'email'])),
      show('dead-letters', getJson('api/dead-letters?limit=5'), renderDeadLetters),
      show('timeline', getJson('api/cluster/events'), renderTimeline)
    ]);
  }

  function tick() {
    if (document.hidden) { setTimeout(tick, FAST); return; }
    // The list is taken first (and kept when it fails), so that the rates and the lag panel of
    // this poll already have a source added since the last one.
    var sources = getJson('api/sources').then(function (list) { known = list; return list; });
    var jobs = [fast(sources)];
    if (Date.now() - lastSlow >= SLOW) { lastSlow = Date.now(); jobs.push(slow(sources)); }
    Promise.all(jobs).then(function () {
      $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.setAttribute('data-polls', String(samples.length));
    }).finally(function () { setTimeout(tick, FAST); });
  }

  document.addEventListener('visibilitychange', function () { if (!document.hidden) lastSlow = 0; });
  G.listen(getJson);
  H.listen();
  L.listen(function () { show('logs', getJson(L.path()), L.show); });
  tick();
})();
