// The in-page halves of the browser guards (test/helpers/browser.ts): plain browser JavaScript,
// evaluated in each checked page through the DevTools protocol, like axe, so the CSP stays on.
(function () {
  'use strict';

/* In the page: the confirmation of a post/redirect/get is visible and focused (a status or alert). */
  function confirmationCheck() {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const alerts = Array.from(document.querySelectorAll('main .alert[data-flash], main .error-summary'));
  const problems = [];
  // The message the page gave the focus to (an error summary over an older confirmation) is the one read first.
  const focusedFirst = alerts.filter((el) => el === document.activeElement || el.contains(document.activeElement));
  for (const el of focusedFirst.length ? focusedFirst : alerts) {
    const r = el.getBoundingClientRect();
    const html = el.outerHTML.slice(0, 200);
    const role = el.getAttribute('role');
    if (role !== 'status' && role !== 'alert') problems.push({ what: 'the confirmation has no role=status or role=alert', selector: describe(el), html });
    if (r.top < 0 || r.bottom > window.innerHeight || r.width === 0) problems.push({ what: `the confirmation is outside the viewport (top ${Math.round(r.top)} px of ${window.innerHeight})`, selector: describe(el), html });
    const focused = document.activeElement === el || el.contains(document.activeElement);
    if (!focused && el.getAttribute('aria-live') == null) problems.push({ what: 'the confirmation is neither focused nor a live region, so it is not announced', selector: describe(el), html });
    break; // the first one is the one that must be seen
  }
  return problems;
}

/* In the page: the layout guards (labels on other text, horizontal overflow, inputs without a border, languages). */
  function layoutCheck(width) {
  const problems = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '');
  const at = `at ${width} px`;
  const hiddenCache = new Map();
  const hidden = (el) => {
    if (!el) return false;
    if (hiddenCache.has(el)) return hiddenCache.get(el);
    const cs = getComputedStyle(el);
    const own = cs.display === 'none' || cs.visibility === 'hidden' || el.classList.contains('visually-hidden') || (el.classList.contains('visually-hidden-focusable') && !el.matches(':focus-within'));
    const result = own || hidden(el.parentElement);
    hiddenCache.set(el, result);
    return result;
  };
  // 1. No horizontal overflow.
  const docWidth = document.documentElement.scrollWidth;
  if (docWidth > window.innerWidth) {
    // What runs out: an element, or a text (a long word), that no scrolling box around it keeps in.
    const scrolls = (e) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    const wide = Array.from(document.body.querySelectorAll('*')).filter((e) => {
      const r = e.getBoundingClientRect();
      if (r.right <= window.innerWidth + 1 || getComputedStyle(e).position === 'fixed' || scrolls(e)) return false;
      return !Array.from(e.children).some((c) => c.getBoundingClientRect().right > window.innerWidth + 1);
    });
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = texts.nextNode(); n && !wide.length; n = texts.nextNode()) {
      if (!n.data.trim() || !n.parentElement || scrolls(n.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      if (Array.from(range.getClientRects()).some((r) => r.right > window.innerWidth + 1)) wide.push(n.parentElement);
    }
    const el = wide[0] ?? document.body;
    problems.push({ what: `${at} the page is ${docWidth} px wide, wider than the viewport: ${describe(el)} runs out of it`, selector: describe(el), html: el.outerHTML.slice(0, 200) });
  }
  // 2. No label's text box intersects another text element.
  const textRects = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n;
    if (!t.data.trim() || !t.parentElement || t.parentElement.closest('script, style, option, select, textarea') || hidden(t.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 1 && r.height > 1);
    if (rects.length) textRects.push({ node: t, rects });
  }
  const labels = Array.from(document.querySelectorAll('main label, main legend'));
  for (const label of labels) {
    if (hidden(label)) continue;
    const own = textRects.filter((x) => label.contains(x.node));
    if (!own.length) continue;
    const control = label.tagName === 'LABEL' ? label.control : null;
    let hit = null;
    for (const mine of own) {
      for (const other of textRects) {
        if (label.contains(other.node) || (control && control.contains(other.node))) continue;
        for (const a of mine.rects)
          for (const b of other.rects) {
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 2 && h > 2) hit = { other: other.node, label: (label.textContent ?? '').trim() };
          }
        if (hit) break;
      }
      if (hit) break;
    }
    if (hit) problems.push({ what: `${at} the ${label.tagName.toLowerCase()} «${hit.label.slice(0, 60)}» is drawn over «${hit.other.data.trim().slice(0, 60)}» (${describe(hit.other.parentElement)})`, selector: describe(label), html: label.outerHTML.slice(0, 200) });
  }
  // 3. Every text input shows where to type: a border, or a background that differs from what is behind it.
  const textTypes = ['', 'text', 'email', 'search', 'password', 'tel', 'url', 'number', 'date', 'datetime-local', 'time', 'month'];
  for (const input of Array.from(document.querySelectorAll('input, textarea'))) {
    if (input.tagName === 'INPUT' && !textTypes.includes((input.getAttribute('type') ?? '').toLowerCase())) continue;
    if (hidden(input) || input.getBoundingClientRect().width === 0) continue;
    const cs = getComputedStyle(input);
    const visibleColour = (c) => !/rgba\([^)]*,\s*0\)$/.test(c) && c !== 'transparent';
    const bordered = ['Top', 'Right', 'Bottom', 'Left'].some((side) => parseFloat(cs.getPropertyValue(`border-${side.toLowerCase()}-width`)) >= 1 && cs.getPropertyValue(`border-${side.toLowerCase()}-style`) !== 'none' && visibleColour(cs.getPropertyValue(`border-${side.toLowerCase()}-color`)));
    let behind = 'rgb(255, 255, 255)';
    for (let e = input.parentElement; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (visibleColour(bg)) {
        behind = bg;
        break;
      }
    }
    const filled = visibleColour(cs.backgroundColor) && cs.backgroundColor !== behind;
    if (!bordered && !filled) problems.push({ what: `${at} the text input ${describe(input)} has no visible border`, selector: describe(input), html: input.outerHTML.slice(0, 200) });
  }
  // 4. The page's language is the interface's, and every lang attribute is a valid BCP 47 tag.
  const switcher = document.querySelector('a.lang-switch');
  const ui = switcher ? (switcher.getAttribute('lang') === 'en' ? 'it' : 'en') : null;
  const htmlLang = document.documentElement.getAttribute('lang');
  if (ui && htmlLang !== ui) problems.push({ what: `<html lang="${htmlLang}"> is not the interface language "${ui}"`, selector: 'html', html: `<html lang="${htmlLang}">` });
  for (const el of Array.from(document.querySelectorAll('[lang]'))) {
    const v = el.getAttribute('lang') ?? '';
    let canonical;
    try {
      canonical = Intl.getCanonicalLocales(v)[0] ?? '';
    } catch {
      canonical = '';
    }
    if (!/^[a-z]{2}(-[A-Za-z0-9]{2,8})*$/.test(v) || canonical.toLowerCase() !== v.toLowerCase()) problems.push({ what: `lang="${v}" is not a valid BCP 47 language tag (use a two-letter code such as "it")`, selector: describe(el), html: el.outerHTML.slice(0, 200) });
  }
  return problems;
}

  globalThis.__citGuards = { confirmation: confirmationCheck, layout: layoutCheck };
})();
