// Italian first, English second: one JSON file per area and language (locales/<lang>/<area>.json),
// each a namespace; `t('catalog:title')` reads locales/<lang>/catalog.json.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../platform/paths.js';
import i18next, { type Resource, type TFunction } from 'i18next';

export const LANGUAGES = ['it', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const localesDir = path.join(ROOT, 'locales');

let ready: Promise<unknown> | null = null;

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
  });
  return ready;
}

const translators = new Map<Language, TFunction>();

export function translator(lang: Language): TFunction {
  let t = translators.get(lang);
  if (!t) {
    t = i18next.getFixedT(lang);
    translators.set(lang, t);
  }
  return t;
}

export function pickLanguage(value: unknown): Language {
  return LANGUAGES.includes(value as Language) ? (value as Language) : 'it';
}
