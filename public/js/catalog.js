// Catalogue enhancements (the pages work without them): switching the description language
// without reloading the page.
(function () {
  'use strict';
  var nav = document.querySelector('.catalog-langs');
  if (!nav) return;
  var links = nav.querySelectorAll('a[data-lang]');
  var panes = document.querySelectorAll('.catalog-lang-pane');
  function show(lang) {
    panes.forEach(function (p) { p.hidden = p.getAttribute('data-lang') !== lang; });
    links.forEach(function (l) {
      var on = l.getAttribute('data-lang') === lang;
      l.classList.toggle('active', on);
      if (on) l.setAttribute('aria-current', 'true');
      else l.removeAttribute('aria-current');
    });
  }
  links.forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      var lang = link.getAttribute('data-lang');
      show(lang);
      if (window.history && window.history.replaceState) {
        var url = new URL(window.location.href);
        url.searchParams.set('lingua', lang);
        url.hash = 'descrizione';
        window.history.replaceState(null, '', url.toString());
      }
    });
  });
})();
