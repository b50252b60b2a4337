// Desk enhancements (the pages work without them):
// - while the subject of a new request is typed, matching knowledge-base articles are suggested
//   (the page gives the words in its language, e.g. data-new-tab);
// - in the staff queue, a checkbox selects every request of the page for bulk assignment.
(function () {
  'use strict';

  function suggestions() {
    var form = document.getElementById('desk-new-request');
    var box = document.getElementById('desk-suggestions');
    var list = document.getElementById('desk-suggestions-list');
    if (!form || !box || !list) return;
    var subject = form.querySelector('[name="subject"]');
    if (!subject) return;
    var timer = null;
    var last = '';
    var controller = null;

    function render(articles) {
      while (list.firstChild) list.removeChild(list.firstChild);
      articles.forEach(function (a) {
        var li = document.createElement('li');
        var link = document.createElement('a');
        link.href = a.url;
        link.target = '_blank';
        link.rel = 'noopener';
        link.textContent = a.title;
        var hint = document.createElement('span');
        hint.className = 'visually-hidden';
        hint.textContent = ' (' + (box.getAttribute('data-new-tab') || '') + ')';
        link.appendChild(hint);
        li.appendChild(link);
        if (a.summary) {
          li.appendChild(document.createElement('br'));
          var small = document.createElement('small');
          small.textContent = a.summary;
          li.appendChild(small);
        }
        list.appendChild(li);
      });
      box.hidden = articles.length === 0;
    }

    function search() {
      var q = subject.value.trim();
      if (q === last) return;
      last = q;
      if (q.length < 3) {
        render([]);
        return;
      }
      if (controller) controller.abort();
      controller = typeof AbortController === 'function' ? new AbortController() : null;
      fetch('/conoscenza/suggerimenti.json?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' }, signal: controller ? controller.signal : undefined })
        .then(function (res) { return res.ok ? res.json() : { articles: [] }; })
        .then(function (data) { render(data.articles || []); })
        .catch(function () { /* suggestions are optional */ });
    }

    subject.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(search, 300);
    });
    if (subject.value) search();
  }

  function selectAll() {
    var all = document.getElementById('desk-select-all');
    if (!all) return;
    all.classList.remove('d-none');
    var boxes = document.querySelectorAll('input[type="checkbox"][name="ids"]');
    all.addEventListener('change', function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
  }

  suggestions();
  selectAll();
})();
