// Italian first, English second: one JSON file per area and language (locales/<lang>/<area>.json),
// each a namespace; `t('catalog:title')` reads locales/<lang>/catalog.json. It lives in the platform
// because pages and mail are both translated: the web layer in the language of the request, the
// mailer in the language of the recipient.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type Resource, type TFunction } from 'i18next';
import { parseMessage, type Message } from './messages.js';
import { ROOT } from './paths.js';

export const LANGUAGES = ['it', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const localesDir = path.join(ROOT, 'locales');

let ready: Promise<unknown> | null = null;

/** Loads every locale file once; synchronous underneath, so translators work right after the call. */
export function initI18n(): Promise<unknown> {
  if (ready) return ready;
  const resources: Record<string, Record<string, unknown>> = {};
  const namespaces = new Set<string>();
  for (const lng of LANGUAGES) {
    resources[lng] = {};
    for (const file of readdirSync(path.join(localesDir, lng)).filter((f) => f.endsWith('.json'))) {
      const ns = file.replace(/\.json$/, '');
      namespaces.add(ns);
      resources[lng][ns] = JSON.parse(readFileSync(path.join(localesDir, lng, file), 'utf8'));
    }
  }
  ready = i18next.init({
    resources: resources as Resource,
    lng: 'it',
    fallbackLng: 'it',
    supportedLngs: [...LANGUAGES],
    ns: [...namespaces],
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // EJS escapes output with <%= %>
    initAsync: false,
    returnNull: false,
  });
  return ready;
}

const translators = new Map<Language, TFunction>();

/** Most translations a memo keeps per language before it starts again (interpolated values vary without end). */
const MEMO_MAX = 20_000;

/** Options made only of plain values can key the memo; anything else (functions, objects) is translated afresh. */
function memoKey(key: unknown, options: unknown): string | null {
  if (typeof key !== 'string') return null;
  if (options === undefined) return key;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return null;
  for (const v of Object.values(options)) if (v !== null && typeof v === 'object') return null;
  return `${key}\u0000${JSON.stringify(options)}`;
}

/**
 * The translator of a language. A rendered page asks for hundreds of labels, and i18next resolves
 * each one anew (a fifth of a catalogue page's CPU): the locale files are loaded once and never
 * change while running, so each string is resolved once per language and options, then remembered.
 */
export function translator(lang: Language): TFunction {
  let t = translators.get(lang);
  if (!t) {
    void initI18n();
    const fixed = i18next.getFixedT(lang);
    const call = fixed as unknown as (...args: unknown[]) => unknown;
    const memo = new Map<string, string>();
    const memoised = (...args: unknown[]): unknown => {
      const k = args.length <= 2 ? memoKey(args[0], args[1]) : null;
      if (k === null) return call(...args);
      const known = memo.get(k);
      if (known !== undefined) return known;
      const value = call(...args);
      if (typeof value === 'string') {
        if (memo.size >= MEMO_MAX) memo.clear();
        memo.set(k, value);
      }
      return value;
    };
    t = Object.assign(memoised, fixed) as unknown as TFunction;
    translators.set(lang, t);
  }
  return t;
}

export function pickLanguage(value: unknown): Language {
  return LANGUAGES.includes(value as Language) ? (value as Language) : 'it';
}

/** Only values shaped like a key ("ns:path") are looked up, so typed text is never reinterpreted. */
const KEY_SHAPE = /^[a-z][a-zA-Z0-9_-]*:[a-zA-Z0-9_.-]+(\|\{.*\})?$/s;

export type MessageTranslator = (message: Message | null | undefined) => string;

/**
 * Translates Messages (see src/platform/messages.ts) in one language. Text that is not a known key
 * (a name, a line of an import report written before this convention) is shown as it is.
 */
export function messageTranslator(lang: Language): MessageTranslator {
  const t = translator(lang);
  const tm: MessageTranslator = (message) => {
    if (message == null || message === '') return '';
    if (!KEY_SHAPE.test(message)) return message;
    const { key, params } = parseMessage(message);
    // A plural key exists only as key_one/key_other: ask with the count the Message carries.
    if (!i18next.exists(key, { lng: lang, ...(typeof params.count === 'number' ? { count: params.count } : {}) })) return message;
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(params)) values[name] = typeof value === 'string' ? tm(value) : value;
    return t(key, values) as string;
  };
  return tm;
}
