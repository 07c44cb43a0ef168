// Freshness alerts (/api/alerts: a source silent for 3 of its intervals, a topic whose lag kept
// growing for 5 minutes, an unreachable silo, a dead letter in the last 10 minutes), shown in red
// at the top of the page until the silo no longer reports them.
(function () {
  'use strict';
  var R = window.Render;

  function show(body) {
    var box = document.getElementById('alerts');
    box.textContent = '';
    box.hidden = body.alerts.length === 0;
    body.alerts.forEach(function (a) {
      box.appendChild(R.el('li', { 'data-kind': a.kind, 'data-subject': a.subject }, [
        R.el('strong', { text: a.kind + ' · ' + a.subject + ' ' }),
        R.el('span', { text: a.message + ' ' }),
        R.el('span', { 'class': 'since', text: a.since ? 'since ' + R.time(a.since) : '' })
      ]));
    });
    return body.alerts.length;
  }

  window.Alerts = { show: show };
})();
