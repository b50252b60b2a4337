// A simple scan for user-facing text written straight into an EJS view instead of the locale files.
// It blanks EJS tags and HTML tags/comments (keeping offsets, so findings carry a line number), then
// reports what is left that contains a word of two or more letters. It also reads user-facing
// attributes (aria-label, title, placeholder, alt, and the value of submit/button inputs, which is
// their label; a <button>'s value is sent, not shown) and the string literals
// given as label:/hint:/title:/empty:/text: inside EJS code, e.g. include('../partials/field', { f: { label: 'Titolo' } }).
// Not a parser: a view that confuses it should be made simpler, not the scan cleverer.

export type Finding = { line: number; kind: 'text' | 'attribute' | 'option'; text: string };

/**
 * Not words to translate: names of products, formats and Italian administrative codes that read the
 * same in every language (RTD, RUP, CUP and CIG are the Italian law's own abbreviations, explained
 * where they appear). Keep it tiny; anything else belongs in locales/<lang>/<ns>.json.
 */
export const ALLOWED_TOKENS = ['CIT Hub', 'SPID', 'CSV', 'JSON', 'OCDS', 'ICS', 'RSS', 'SHA-256', 'publiccode.yml', 'PNRR', 'RTD', 'RUP', 'CUP', 'CIG', 'IPA', 'ISTAT'];

const WORD = /\p{L}{2,}/u;
const KEY_SHAPE = /^[a-z][a-zA-Z0-9_-]*:[a-zA-Z0-9_.-]+$/;
const allowed = ALLOWED_TOKENS.map((token) => new RegExp(`(?<!\\p{L})${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\p{L})`, 'gu'));

/** True when `text` still holds a word once the allowed tokens and HTML entities are taken out. */
export function hasWords(text: string): boolean {
  let rest = text.replace(/&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);/g, ' ');
  for (const re of allowed) rest = rest.replace(re, ' ');
  return WORD.test(rest);
}

const blank = (s: string) => s.replace(/[^\n]/g, ' ');
const lineAt = (source: string, index: number) => source.slice(0, index).split('\n').length;

const EJS_TAG = /<%(?!%)[\s\S]*?%>/g;
const HTML_COMMENT = /<!--[\s\S]*?-->/g;
const HTML_TAG = /<\/?[a-zA-Z!][^>]*>/g;
const TEXT_ATTRIBUTES = /\s(aria-label|title|placeholder|alt)\s*=\s*("([^"]*)"|'([^']*)')/gi;
const VALUE_ATTRIBUTE = /\svalue\s*=\s*("([^"]*)"|'([^']*)')/i;
const LITERAL_OPTION = /\b(label|hint|title|empty|text)\s*:\s*(['"`])((?:\\.|(?!\2)[^\\])*)\2/g;

export function scanView(source: string): Finding[] {
  const findings: Finding[] = [];

  // 1. String literals handed to partials inside EJS code.
  for (const tag of source.matchAll(EJS_TAG)) {
    if (tag[0].startsWith('<%#')) continue;
    for (const m of tag[0].matchAll(LITERAL_OPTION)) {
      const value = m[3];
      // Markup put together in code ('<strong>' + name + '</strong>') is not text.
      if (KEY_SHAPE.test(value) || !hasWords(value.replace(HTML_TAG, ' '))) continue;
      findings.push({ line: lineAt(source, tag.index + m.index), kind: 'option', text: `${m[1]}: ${m[2]}${value}${m[2]}` });
    }
  }

  // 2. Attributes a user reads or hears, in the markup with EJS blanked out.
  let html = source.replace(EJS_TAG, blank).replace(HTML_COMMENT, blank);
  for (const tag of html.matchAll(HTML_TAG)) {
    const markup = tag[0];
    for (const m of markup.matchAll(TEXT_ATTRIBUTES)) {
      const value = m[3] ?? m[4] ?? '';
      if (hasWords(value)) findings.push({ line: lineAt(source, tag.index + m.index), kind: 'attribute', text: `${m[1]}="${value.trim()}"` });
    }
    const isButton = /^<input\b/i.test(markup) && /\stype\s*=\s*["']?(submit|button|reset)\b/i.test(markup);
    const value = isButton ? markup.match(VALUE_ATTRIBUTE) : null;
    if (value && hasWords(value[2] ?? value[3] ?? '')) findings.push({ line: lineAt(source, tag.index + (value.index ?? 0)), kind: 'attribute', text: `value="${(value[2] ?? value[3] ?? '').trim()}"` });
  }

  // 3. Text between the tags.
  html = html.replace(HTML_TAG, blank);
  const lines = html.split('\n');
  lines.forEach((line, i) => {
    if (hasWords(line)) findings.push({ line: i + 1, kind: 'text', text: line.trim().replace(/\s{2,}/g, ' ') });
  });
  return findings.sort((a, b) => a.line - b.line);
}
