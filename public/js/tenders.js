// Tenders: live procedure check on the dossier form (the "Verifica la procedura" button does the
// same without JavaScript).
(function () {
  'use strict';
  var form = document.getElementById('dossier-form');
  var box = document.getElementById('procedure-warnings');
  if (!form || !box) return;
  var fields = ['category', 'procedure', 'estimatedValue'].map(function (n) { return form.elements.namedItem(n); });
  var timer = null;
  function render(heading, messages) {
    while (box.firstChild) box.removeChild(box.firstChild);
    if (!messages.length) return;
    var alert = document.createElement('div');
    alert.className = 'alert alert-warning mb-3';
    var p = document.createElement('p');
    p.className = 'fw-semibold mb-1';
    p.textContent = heading;
    alert.appendChild(p);
    var ul = document.createElement('ul');
    ul.className = 'mb-0';
    messages.forEach(function (m) {
      var li = document.createElement('li');
      li.textContent = m;
      ul.appendChild(li);
    });
    alert.appendChild(ul);
    box.appendChild(alert);
  }
  function check() {
    var params = new URLSearchParams();
    params.set('category', fields[0].value);
    params.set('procedure', fields[1].value);
    params.set('estimatedValue', fields[2].value);
    fetch('/gare/verifica-procedura?' + params.toString(), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data.heading, data.warnings); })
      .catch(function () { /* the server-side check still runs on save */ });
  }
  fields.forEach(function (f) {
    if (!f) return;
    f.addEventListener('change', check);
    f.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(check, 400);
    });
  });
})();
