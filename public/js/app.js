// Progressive enhancement only: every page works without this file.
// A body filter (partials/body-filter): the browser's own list of suggestions (a datalist), filled from
// the directory as the user types, instead of a select of every body.
(function () {
  'use strict';
  Array.prototype.forEach.call(document.querySelectorAll('input[data-body-suggest]'), function (input) {
    var list = document.getElementById(input.getAttribute('list'));
    if (!list) return;
    var timer;
    var last = '';
    var controller = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === last || q.length < 2) return;
        last = q;
        if (controller) controller.abort();
        controller = typeof AbortController === 'function' ? new AbortController() : null;
        fetch('/enti/suggerimenti.json?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' }, signal: controller ? controller.signal : undefined })
          .then(function (res) { return res.ok ? res.json() : { bodies: [] }; })
          .then(function (data) {
            list.textContent = '';
            (data.bodies || []).forEach(function (b) {
              var option = document.createElement('option');
              option.value = b.name;
              option.label = b.ipaCode;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional: the typed text filters by itself */ });
      }, 200);
    });
  });
})();
(function () {
  'use strict';
  // A table wider than the screen scrolls inside itself (app.css): keyboard users can scroll it too.
  Array.prototype.forEach.call(document.querySelectorAll('main table'), function (table) {
    if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute('tabindex')) table.setAttribute('tabindex', '0');
  });
  // A form that came back with errors: focus its summary, so it is seen and read out.
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.focus();
    return;
  }
  // A confirmation after a form (post/redirect/get): seen and read out. A status region present at
  // load is not announced by itself, so it gets the focus. When the redirect points at an anchor (the
  // reply just sent), the confirmation moves next to it, where the reader is looking, instead of
  // staying at the top of the page out of sight.
  var flash = document.querySelector('[data-flash]');
  if (!flash) return;
  var target;
  try {
    target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  } catch {
    target = null; // not valid percent-encoding: no anchor
  }
  // Where the browser's own scroll to the anchor brings it into view too: first inside a section
  // (or any block), just after a heading (and after the row that holds the heading, if any).
  if (target && !target.contains(flash) && target !== document.getElementById('main-container')) {
    if (/^(SECTION|ARTICLE|ASIDE|DIV|FORM|FIELDSET)$/.test(target.tagName)) target.insertBefore(flash, target.firstChild);
    else {
      var after = target.parentNode && target.parentNode.classList && target.parentNode.classList.contains('d-flex') ? target.parentNode : target;
      if (after.parentNode) after.parentNode.insertBefore(flash, after.nextSibling);
    }
  }
  var show = function () {
    var r = flash.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) {
      // A jump, not Bootstrap Italia's smooth scrolling (scroll-behavior), which a reader and the
      // page's own later scrolls would interrupt half-way.
      window.scrollTo({ top: Math.max(0, window.scrollY + r.top - 16), behavior: 'instant' });
    }
    var active = document.activeElement;
    // Unless the reader is already typing somewhere, the confirmation takes the focus (and is read out).
    if (!active || !/^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) flash.focus({ preventScroll: true });
  };
  show();
  // The browser scrolls to the anchor until the page has loaded: show the confirmation again after that.
  window.addEventListener('load', function () {
    show();
    window.requestAnimationFrame(show);
  });
})();
