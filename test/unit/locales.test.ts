// Guards of the string convention (DESIGN.md §6 "Strings"): every language has the same keys, no
// value is empty, and no view carries its own Italian (or English) text outside the locale files.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { LANGUAGES } from '../../src/platform/i18n.js';
import { ROOT } from '../../src/platform/paths.js';
import { scanView, type Finding } from '../helpers/view-text.js';

const LOCALES = path.join(ROOT, 'locales');
const VIEWS = path.join(ROOT, 'views');

/**
 * Areas whose views are being moved to the locale files right now: their views (views/<area>/ and
 * views/mail/<area>-*) are skipped by the scan below. This list must be empty: remove an area as
 * soon as its views pass.
 */
const PENDING_AREAS: string[] = [];

type Tree = { [key: string]: unknown };

/** Every leaf of a namespace as "a.b.c" → value. */
function leaves(tree: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (tree && typeof tree === 'object') {
    for (const [k, v] of Object.entries(tree as Tree)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
      else out.set(key, v);
    }
  }
  return out;
}

function namespaceFiles(lang: string): string[] {
  return readdirSync(path.join(LOCALES, lang)).filter((f) => f.endsWith('.json')).sort();
}

function readNamespace(lang: string, file: string): Map<string, unknown> {
  return leaves(JSON.parse(readFileSync(path.join(LOCALES, lang, file), 'utf8')));
}

/** The problems of a set of languages (lang → file → leaves), as readable lines. */
export function compareLocales(byLang: Record<string, Record<string, Map<string, unknown>>>): string[] {
  const problems: string[] = [];
  const langs = Object.keys(byLang);
  const files = [...new Set(langs.flatMap((l) => Object.keys(byLang[l])))].sort();
  for (const file of files) {
    for (const lang of langs) if (!byLang[lang][file]) problems.push(`${lang}/${file} is missing (it exists in ${langs.filter((l) => byLang[l][file]).join(', ')})`);
    const present = langs.filter((l) => byLang[l][file]);
    const keys = [...new Set(present.flatMap((l) => [...byLang[l][file].keys()]))].sort();
    for (const key of keys) {
      for (const lang of present) {
        const value = byLang[lang][file].get(key);
        if (value === undefined) problems.push(`${lang}/${file}: key ${key} is missing`);
        else if (typeof value !== 'string' || value.trim() === '') problems.push(`${lang}/${file}: key ${key} is empty or not text`);
      }
    }
  }
  return problems;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ejs') ? [path.join(dir, e.name)] : []));
}

function isPending(relative: string): boolean {
  return PENDING_AREAS.some((area) => relative.startsWith(`${area}/`) || relative.startsWith(`mail/${area}-`));
}

const describeFindings = (file: string, findings: Finding[]) => findings.map((f) => `views/${file}:${f.line} (${f.kind}) ${f.text}`);

describe('locale files', () => {
  it('have the same namespaces and keys in every language, none empty', () => {
    const byLang: Record<string, Record<string, Map<string, unknown>>> = {};
    for (const lang of LANGUAGES) byLang[lang] = Object.fromEntries(namespaceFiles(lang).map((f) => [f, readNamespace(lang, f)]));
    expect(Object.keys(byLang.it)).to.include('common.json');
    const problems = compareLocales(byLang);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('the comparison catches a key missing either way, a missing file and an empty value', () => {
    const m = (o: Tree) => leaves(o);
    const problems = compareLocales({
      it: { 'a.json': m({ list: { title: 'Titolo', empty: 'Nessuno' }, only: 'Solo qui' }), 'b.json': m({ x: 'y' }) },
      en: { 'a.json': m({ list: { title: 'Title', empty: '' }, extra: 'Only here' }) },
    });
    expect(problems).to.have.members([
      'en/b.json is missing (it exists in it)',
      'en/a.json: key list.empty is empty or not text',
      'en/a.json: key only is missing',
      'it/a.json: key extra is missing',
    ]);
    expect(compareLocales({ it: { 'a.json': m({ n: { k: 'v' } }) }, en: { 'a.json': m({ n: { k: 'w' } }) } })).to.deep.equal([]);
  });
});

describe('views', () => {
  it('carry no text of their own: every word comes from the locale files', () => {
    const problems: string[] = [];
    for (const file of walk(VIEWS)) {
      const relative = path.relative(VIEWS, file).split(path.sep).join('/');
      if (isPending(relative)) continue;
      problems.push(...describeFindings(relative, scanView(readFileSync(file, 'utf8'))));
    }
    expect(problems, `text written in views instead of locales/<lang>/<ns>.json:\n${problems.join('\n')}`).to.deep.equal([]);
  });

  it('the scan flags an Italian sentence, a labelled attribute and a literal label, and passes a clean view', () => {
    const dirty = [
      "<%- include('../partials/layout-start', { title: t('x:title') }) %>",
      '<h1>Richieste aperte</h1>',
      '<p><%= t(\'x:intro\') %> e poi altro testo</p>',
      '<button type="submit" aria-label="Chiudi il pannello"><%= t(\'x:close\') %></button>',
      '<input type="submit" value="Invia">',
      '<input type="hidden" name="_csrf" value="<%= csrf() %>">',
      "<%- include('../partials/field', { f: { name: 'title', label: 'Titolo', hint: t('x:hint') } }) %>",
      '<!-- un commento non si vede -->',
      '<%# neanche questo %>',
    ].join('\n');
    const findings = scanView(dirty);
    expect(findings.map((f) => [f.line, f.kind])).to.deep.equal([
      [2, 'text'],
      [3, 'text'],
      [4, 'attribute'],
      [5, 'attribute'],
      [7, 'option'],
    ]);
    expect(findings[0].text).to.equal('Richieste aperte');
    expect(findings[4].text).to.equal("label: 'Titolo'");

    const clean = [
      "<%- include('../partials/layout-start', { title: t('x:title'), breadcrumbs: [{ label: t('x:crumb') }] }) %>",
      '<h1><%= t(\'x:title\') %></h1>',
      '<p class="lead"><%= t(\'x:intro\', { count: 3 }) %> · <code>CSV</code> — <a href="/x?a=1&amp;b=2" title="<%= t(\'x:more\') %>">CIT Hub</a></p>',
      "<%- include('../partials/field', { f: { name: 'email', label: t('x:email'), type: 'email', autocomplete: 'username' } }) %>",
      "<%- include('../partials/select', { f: { name: 'kind', label: 'x:field.kind', options: [] } }) %>",
      '<input type="hidden" name="back" value="/enti">',
      '<button type="submit" name="status" value="withdrawn"><%= t(\'x:withdraw\') %></button> <abbr title="<%= t(\'x:rup\') %>">RUP</abbr>',
      "<p><%- t('x:intro', { name: '<strong>' + esc(name) + '</strong>' }) %></p>",
      '<!-- Commento per chi sviluppa -->',
    ].join('\n');
    expect(scanView(clean)).to.deep.equal([]);
  });
});
