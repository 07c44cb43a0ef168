// The charts that draw each silo's own history (/api/history: every silo keeps its last hour at
// 10-second resolution), so they are full from the first load: CPU and heap per silo, lag per
// topic, rows/s per table, events/s per source, over the last 5 minutes or the last hour.
// Figures of several silos are summed per 10-second step (rows, events); lag is what the silo
// with the most samples saw (every silo sees the same lag, from Kafka).
(function () {
  'use strict';
  var R = window.Render, C = window.Charts;
  var last = null;
  var minutes = 5;

  function step(body) { return (body.resolutionSeconds || 10) * 1000; }

  function since(samples) {
    var from = Date.now() - minutes * 60000;
    return samples.filter(function (s) { return Date.parse(s.at) >= from; });
  }

  /** Per silo, a series of pick(sample). */
  function perSilo(body, pick) {
    return body.silos.map(function (silo) {
      return { name: silo.address, points: since(silo.samples).map(function (s) { return [Date.parse(s.at), pick(s)]; }) };
    });
  }

  /** Per key of the map field, the sum over silos per time step. */
  function summed(body, field) {
    var series = {}, width = step(body);
    body.silos.forEach(function (silo) {
      since(silo.samples).forEach(function (s) {
        var t = Math.floor(Date.parse(s.at) / width) * width;
        Object.keys(s[field] || {}).forEach(function (k) {
          series[k] = series[k] || {};
          series[k][t] = (series[k][t] || 0) + s[field][k];
        });
      });
    });
    return Object.keys(series).sort().map(function (k) {
      return { name: k, points: Object.keys(series[k]).map(Number).sort().map(function (t) { return [t, series[k][t]]; }) };
    });
  }

  /** Per key of the lag map, the series of the silo with the most samples. */
  function lag(body) {
    var best = body.silos.slice().sort(function (a, b) { return b.samples.length - a.samples.length; })[0];
    if (!best) return [];
    var keys = {};
    best.samples.forEach(function (s) { Object.keys(s.lag || {}).forEach(function (k) { keys[k] = true; }); });
    return Object.keys(keys).sort().map(function (k) {
      return { name: k, points: since(best.samples).filter(function (s) { return s.lag && k in s.lag; })
        .map(function (s) { return [Date.parse(s.at), s.lag[k]]; }) };
    });
  }

  function draw() {
    if (!last) return;
    var empty = 'no samples yet: every silo takes one each ' + (last.resolutionSeconds || 10) + ' s';
    C.lineChart(document.getElementById('history-cpu'), perSilo(last, function (s) { return s.cpu < 0 ? NaN : s.cpu * 100; }), { unit: '%', empty: empty });
    C.lineChart(document.getElementById('history-heap'), perSilo(last, function (s) { return s.heapUsed / 1048576; }), { unit: ' MB', empty: empty });
    C.lineChart(document.getElementById('history-lag'), lag(last), { empty: empty });
    C.lineChart(document.getElementById('source-chart'), summed(last, 'eventsPerSecond'), { unit: '/s', empty: empty });
    C.lineChart(document.getElementById('rows-chart'), summed(last, 'rowsPerSecond'), { unit: '/s', empty: empty });
    var n = last.silos.reduce(function (a, s) { return a + s.samples.length; }, 0);
    document.getElementById('history-note').textContent = n + ' samples from ' + last.silos.length + ' silo(s)';
  }

  /**
   * Keeps what the page has: the first answer is the whole hour, later ones (path() asks the last
   * minute only) are merged in by sample time, and samples older than an hour are dropped.
   */
  function show(body) {
    if (last === null) {
      last = body;
    } else {
      var from = Date.now() - 3600000;
      last = { resolutionSeconds: body.resolutionSeconds, silos: body.silos.map(function (silo) {
        var had = last.silos.filter(function (o) { return o.address === silo.address; })[0];
        var byAt = {};
        (had ? had.samples : []).concat(silo.samples).forEach(function (s) { byAt[s.at] = s; });
        return { address: silo.address, samples: Object.keys(byAt).sort().map(function (k) { return byAt[k]; })
          .filter(function (s) { return Date.parse(s.at) >= from; }) };
      }) };
    }
    draw();
  }

  /** The hour at the first poll, then the last minute (what is new since the previous poll). */
  function path() {
    return 'api/history?minutes=' + (last === null ? 60 : 1);
  }

  function listen() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-history-minutes]'), function (b) {
      b.addEventListener('click', function () {
        minutes = Number(b.getAttribute('data-history-minutes'));
        Array.prototype.forEach.call(document.querySelectorAll('[data-history-minutes]'), function (o) {
          o.setAttribute('aria-pressed', String(o === b));
        });
        draw();
      });
    });
  }

  window.SiloHistory = { show: show, path: path, listen: listen };
})();
