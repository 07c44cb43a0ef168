// The live log tail (/api/logs: the last lines of every silo, secrets redacted by the silo) with a
// level filter, and a badge in the header when the silos' WARN and ERROR counts have grown since
// the page opened (or since the badge was last clicked).
(function () {
  'use strict';
  var R = window.Render;
  var seen = null; // warnings + errors when the badge was last cleared
  var level = 'INFO';

  function short(logger) {
    var parts = String(logger || '').split('.');
    return parts.length > 2 ? parts.slice(0, -1).map(function (p) { return p.charAt(0); }).join('.') + '.' + parts[parts.length - 1] : logger;
  }

  function path() { return 'api/logs?level=' + encodeURIComponent(level) + '&limit=100'; }

  function show(body) {
    var list = document.getElementById('logs');
    list.textContent = '';
    if (body.lines.length === 0) list.appendChild(R.el('li', { 'class': 'muted', text: 'no ' + level + ' or higher lines' }));
    body.lines.slice().reverse().forEach(function (l) {
      list.appendChild(R.el('li', { 'data-level': l.level }, [
        R.el('span', { 'class': 'muted', text: R.time(l.at) + ' ' }),
        R.el('span', { 'class': 'level level-' + l.level, text: l.level + ' ' }),
        R.el('span', { 'class': 'muted', title: l.logger, text: short(l.logger) + ' ' }),
        R.el('span', { 'class': 'muted', text: '[' + l.silo + '] ' }),
        R.el('span', { 'class': 'message', text: l.message })
      ]));
    });
    var bad = (body.warnings || 0) + (body.errors || 0);
    if (seen === null) seen = bad;
    var badge = document.getElementById('log-badge');
    var fresh = bad - seen;
    badge.hidden = fresh <= 0;
    badge.textContent = fresh + ' new WARN/ERROR';
    document.getElementById('logs-note').textContent = body.warnings + ' warnings · ' + body.errors + ' errors since the silos started';
    badge.setAttribute('data-total', String(bad));
  }

  function listen(refresh) {
    var select = document.getElementById('log-level');
    select.addEventListener('change', function () { level = select.value; refresh(); });
    document.getElementById('log-badge').addEventListener('click', function () {
      var badge = document.getElementById('log-badge');
      seen = Number(badge.getAttribute('data-total')) || seen;
      badge.hidden = true;
      select.value = level = 'WARN';
      refresh();
      document.getElementById('logs-section').scrollIntoView({ block: 'start' });
    });
  }

  window.Logs = { path: path, show: show, listen: listen };
})();
