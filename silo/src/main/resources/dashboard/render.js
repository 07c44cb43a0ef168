// DOM helpers for the dashboard: every value goes in as text (never as HTML), so data from the
// sources cannot inject markup.
(function () {
  'use strict';

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  /** A button that opens a grain's state (the dashboard listens for clicks on [data-grain-type]). */
  function grainLink(type, id, text) {
    return el('button', { type: 'button', 'class': 'link', 'data-grain-type': type, 'data-grain-id': id,
      title: 'show the state of ' + type + ' ' + id, text: text });
  }

  /**
   * Fills a table: columns = [{title, value(row), num?, wrap?, state?, grain?(row) -> {type, id}}];
   * a column with grain makes its cells open that grain's state.
   */
  function table(t, columns, rows, empty) {
    t.textContent = '';
    if (!rows || rows.length === 0) {
      t.appendChild(el('tbody', {}, [el('tr', {}, [el('td', { 'class': 'muted', text: empty || 'none' })])]));
      return;
    }
    t.appendChild(el('thead', {}, [el('tr', {}, columns.map(function (c) {
      return el('th', { 'class': c.num ? 'num' : '', text: c.title });
    }))]));
    t.appendChild(el('tbody', {}, rows.map(function (r) {
      return el('tr', {}, columns.map(function (c) {
        var v = c.value(r);
        var cls = (c.num ? 'num ' : '') + (c.wrap ? 'wrap ' : '') + (c.state ? 'state-' + v : '');
        var text = v === null || v === undefined ? '–' : String(v);
        var g = c.grain ? c.grain(r) : null;
        return g ? el('td', { 'class': cls }, [grainLink(g.type, g.id, text)]) : el('td', { 'class': cls, text: text });
      }));
    })));
  }

  /** A card: title and a definition list of [label, value, class?] pairs. */
  function card(title, pairs, extra) {
    var dl = el('dl');
    pairs.forEach(function (p) {
      dl.appendChild(el('dt', { text: p[0] }));
      dl.appendChild(el('dd', { 'class': p[2] || '', text: p[1] === null || p[1] === undefined ? '–' : String(p[1]) }));
    });
    return el('div', { 'class': 'card' }, [el('h3', { text: title }), dl].concat(extra || []));
  }

  function bytes(n) {
    if (n === null || n === undefined || n < 0) return '–';
    return (n / 1048576).toFixed(0) + ' MB';
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    var s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor(s % 3600 / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor(s % 86400 / 3600) + ' h';
  }

  function age(iso) {
    if (!iso) return null;
    return duration((Date.now() - Date.parse(iso)) / 1000) + ' ago';
  }

  function time(iso) {
    return iso ? new Date(iso).toLocaleString() : null;
  }

  window.Render = { el: el, table: table, grainLink: grainLink, card: card, bytes: bytes, duration: duration, age: age, time: time };
})();
