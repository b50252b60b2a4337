// Lenient publiccode.yml parser: keeps what is valid in the messy files public bodies publish
// and reports every problem with its key path and line (1-based).
//
// It works in three steps: the YAML is turned into a small position-aware tree; keys are brought
// to their canonical spelling and place (old spellings, values indented under the wrong parent);
// then each value is read with its type checks and coercions into a plain, JSON-serialisable asset.
import { createRequire } from 'node:module';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import parseSpdx from 'spdx-expression-parse';
import { DateTime } from 'luxon';
import { msg, type Message } from '../../platform/messages.js';
import {
  CONFORMITY_FLAGS,
  DEVELOPMENT_STATUSES,
  ITALIAN_PLATFORMS,
  MAINTENANCE_TYPES,
  PLATFORMS,
  PUBLICCODE_CATEGORIES,
  PUBLICCODE_SCOPES,
  SOFTWARE_TYPES,
  SUPPORTS_ALIASES,
  type ConformityFlag,
  type DevelopmentStatus,
  type ItalianPlatform,
  type MaintenanceType,
  type PubliccodeCategory,
  type PubliccodeScope,
  type SoftwareType,
} from './vocabulary.js';

// ---------------------------------------------------------------------------------------------
// Public types

export interface PubliccodeWarning {
  /** Canonical key path, e.g. 'description.it.shortDescription' or 'maintenance.contractors[0].until'. */
  path: string;
  /** 1-based line of the offending key or value; null when nothing in the file marks the place. */
  line: number | null;
  /**
   * A Message (src/platform/messages.ts) with the key path and line among its values, translated in
   * the language of whoever reads the report (the preview page, the asset page, the command line).
   * Warnings stored before Messages existed are Italian text, shown as they are.
   */
  message: Message;
}

/** A logo, screenshot or authors file: an absolute http(s) URL, or a plain path relative to the repository root. */
export interface PubliccodeLink {
  href: string;
  relative: boolean;
}

export interface PubliccodeDescription {
  localisedName: string | null;
  genericName: string | null;
  shortDescription: string | null;
  longDescription: string | null;
  documentation: string | null;
  apiDocumentation: string | null;
  features: string[];
  screenshots: PubliccodeLink[];
  videos: string[];
  awards: string[];
}

export interface PubliccodeContractor {
  name: string;
  /** YYYY-MM-DD */
  until: string | null;
  email: string | null;
  website: string | null;
}

export interface PubliccodeContact {
  name: string;
  email: string | null;
  phone: string | null;
  affiliation: string | null;
}

export interface PubliccodeDependency {
  name: string;
  versionMin: string | null;
  versionMax: string | null;
  version: string | null;
  optional: boolean;
}

export interface PubliccodeFunder {
  name: string;
  uri: string | null;
}

export interface PubliccodeAsset {
  /** As found in the file ('0.2', '0.4.0', '0'…), null when missing. */
  publiccodeYmlVersion: string | null;
  name: string;
  applicationSuite: string | null;
  url: string;
  landingURL: string | null;
  softwareVersion: string | null;
  /** YYYY-MM-DD */
  releaseDate: string | null;
  logo: PubliccodeLink | null;
  platforms: string[];
  categories: PubliccodeCategory[];
  developmentStatus: DevelopmentStatus | null;
  softwareType: SoftwareType | null;
  intendedAudience: { scope: PubliccodeScope[]; countries: string[]; unsupportedCountries: string[] };
  /** Keyed by lower-case primary language subtag ('it', 'en'). Texts are plain text, never HTML. */
  descriptions: Record<string, PubliccodeDescription>;
  legal: {
    license: string | null;
    licenseIsSpdx: boolean;
    mainCopyrightOwner: string | null;
    repoOwner: string | null;
    authorsFile: PubliccodeLink | null;
  };
  maintenance: { type: MaintenanceType | null; contractors: PubliccodeContractor[]; contacts: PubliccodeContact[] };
  localisation: { localisationReady: boolean | null; availableLanguages: string[] };
  dependsOn: { open: PubliccodeDependency[]; proprietary: PubliccodeDependency[]; hardware: PubliccodeDependency[] };
  /** The publishing body; for an Italian PA `uri` is always `urn:x-italian-pa:<cedentIpaCode>`. */
  organisation: { name: string | null; uri: string | null };
  /** codiceIPA (the body's code in the Indice delle Pubbliche Amministrazioni), lower-cased. */
  cedentIpaCode: string | null;
  italianPlatforms: Record<ItalianPlatform, boolean>;
  conformity: Record<ConformityFlag, boolean>;
  /** 0.7 `supports` ids not already expressed by italianPlatforms or conformity.gdpr (e.g. 'alias:eidas', a URL). */
  supports: string[];
  isBasedOn: string[];
  usedBy: string[];
  roadmap: string | null;
  fundedBy: PubliccodeFunder[];
  /** True when no required key is missing or invalid: the asset can be published as it is. */
  complete: boolean;
}

export type PubliccodeParseResult =
  | { ok: true; asset: PubliccodeAsset; warnings: PubliccodeWarning[] }
  | { ok: false; reason: Message; line?: number; column?: number };

export const MAX_PUBLICCODE_BYTES = 1024 * 1024;
export const LATEST_PUBLICCODE_VERSION = '0.7';

// ---------------------------------------------------------------------------------------------
// Position-aware tree

interface YScalar {
  kind: 'scalar';
  line: number;
  value: unknown;
  /** Raw text of a plain (unquoted) scalar, so 0412501953 stays a phone number and 3.10 a version. */
  plain: string | null;
}
interface YSeq {
  kind: 'seq';
  line: number;
  items: YNode[];
}
interface YMap {
  kind: 'map';
  line: number;
  entries: YEntry[];
}
type YNode = YScalar | YSeq | YMap;
interface YEntry {
  key: string;
  keyLine: number;
  value: YNode;
}

const MAX_NODES = 200_000;
const MAX_DEPTH = 64;

class TooComplexError extends Error {}

interface TreeEnv {
  doc: Document;
  lines: LineCounter;
  count: number;
}

function lineAt(env: TreeEnv, node: unknown, fallback: number): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? env.lines.linePos(range[0]).line : fallback;
}

function toTree(node: unknown, env: TreeEnv, depth: number, fallbackLine: number): YNode {
  env.count += 1;
  if (env.count > MAX_NODES || depth > MAX_DEPTH) throw new TooComplexError();
  const line = lineAt(env, node, fallbackLine);
  if (isAlias(node)) {
    const target = node.resolve(env.doc);
    return target ? toTree(target, env, depth + 1, line) : { kind: 'scalar', line, value: null, plain: null };
  }
  if (isMap(node)) {
    const entries: YEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as unknown;
      const keyLine = lineAt(env, keyNode, line);
      let key: string;
      if (isScalar(keyNode)) {
        key = keyNode.value == null ? '' : typeof keyNode.value === 'string' ? keyNode.value : String(keyNode.source ?? keyNode.value);
      } else {
        key = '[complex key]';
      }
      const value = pair.value == null
        ? { kind: 'scalar' as const, line: keyLine, value: null, plain: null }
        : toTree(pair.value, env, depth + 1, keyLine);
      entries.push({ key, keyLine, value });
    }
    return { kind: 'map', line, entries };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) =>
      item == null ? { kind: 'scalar' as const, line, value: null, plain: null } : toTree(item, env, depth + 1, line),
    );
    return { kind: 'seq', line, items };
  }
  if (isScalar(node)) {
    const plain = node.type === 'PLAIN' && typeof node.source === 'string' ? node.source : null;
    return { kind: 'scalar', line, value: node.value, plain };
  }
  return { kind: 'scalar', line, value: null, plain: null };
}

function isEmptyNode(node: YNode): boolean {
  if (node.kind === 'scalar') return node.value == null || (typeof node.value === 'string' && node.value.trim() === '');
  if (node.kind === 'seq') return node.items.length === 0;
  return node.entries.length === 0;
}

function findEntry(map: YMap | null | undefined, key: string): YEntry | undefined {
  return map?.entries.find((e) => e.key === key);
}

// ---------------------------------------------------------------------------------------------
// Warnings

class Report {
  readonly warnings: PubliccodeWarning[] = [];
  blocking = false;

  /** `blocking` marks a missing or invalid required key: the asset cannot be published as it is. */
  warn(path: string, line: number | null, message: Message, blocking = false): void {
    this.warnings.push({ path, line, message });
    if (blocking) this.blocking = true;
  }

  sorted(): PubliccodeWarning[] {
    return this.warnings
      .map((w, i) => ({ w, i }))
      .sort((a, b) => (a.w.line ?? Infinity) - (b.w.line ?? Infinity) || a.i - b.i)
      .map(({ w }) => w);
  }
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

// ---------------------------------------------------------------------------------------------
// Shapes: where each key belongs

type Shape = LeafShape | MapShape | ListShape | LangsShape;
interface LeafShape {
  kind: 'leaf';
}
interface MapShape {
  kind: 'map';
  fields: Record<string, Shape>;
  aliases?: Record<string, string>;
}
interface ListShape {
  kind: 'list';
  item: MapShape;
}
interface LangsShape {
  kind: 'langs';
  lang: MapShape;
}

const LEAF: LeafShape = { kind: 'leaf' };
const leaves = (...keys: string[]): Record<string, Shape> => Object.fromEntries(keys.map((k) => [k, LEAF]));
const mapOf = (fields: Record<string, Shape>, aliases?: Record<string, string>): MapShape => ({ kind: 'map', fields, aliases });
const listOf = (item: MapShape): ListShape => ({ kind: 'list', item });

const DEPENDENCY = mapOf(leaves('name', 'versionMin', 'versionMax', 'version', 'optional'));
const DESCRIPTION_LANG = mapOf(
  leaves('localisedName', 'genericName', 'shortDescription', 'longDescription', 'documentation', 'apiDocumentation',
    'features', 'screenshots', 'videos', 'awards'),
);
const ITALY = mapOf({
  countryExtensionVersion: LEAF,
  conforme: mapOf(leaves(...CONFORMITY_FLAGS)),
  piattaforme: mapOf(leaves(...ITALIAN_PLATFORMS)),
  riuso: mapOf(leaves('codiceIPA')),
});
const ROOT = mapOf({
  ...leaves('publiccodeYmlVersion', 'name', 'applicationSuite', 'url', 'landingURL', 'isBasedOn', 'softwareVersion',
    'releaseDate', 'logo', 'monochromeLogo', 'inputTypes', 'outputTypes', 'platforms', 'categories', 'usedBy', 'roadmap',
    'developmentStatus', 'softwareType'),
  supports: listOf(mapOf(leaves('id'))),
  intendedAudience: mapOf(leaves('countries', 'unsupportedCountries', 'scope')),
  description: { kind: 'langs', lang: DESCRIPTION_LANG },
  legal: mapOf(leaves('license', 'mainCopyrightOwner', 'repoOwner', 'authorsFile')),
  maintenance: mapOf({
    type: LEAF,
    contractors: listOf(mapOf(leaves('name', 'until', 'email', 'website'))),
    contacts: listOf(mapOf(leaves('name', 'email', 'phone', 'affiliation'))),
  }),
  localisation: mapOf(leaves('localisationReady', 'availableLanguages')),
  dependsOn: mapOf({ open: listOf(DEPENDENCY), proprietary: listOf(DEPENDENCY), hardware: listOf(DEPENDENCY) }),
  organisation: mapOf(leaves('uri', 'name'), { url: 'uri' }),
  fundedBy: listOf(mapOf(leaves('name', 'uri'), { url: 'uri' })),
  it: ITALY,
  IT: ITALY,
});

/** Spellings seen in older or hand-written files, valid wherever the target key is. */
const KEY_ALIASES: Record<string, string> = {
  licence: 'license',
  localization: 'localisation',
  localizationready: 'localisationReady',
  localizedname: 'localisedName',
  organization: 'organisation',
  featurelist: 'features',
  feature: 'features',
  screenshot: 'screenshots',
  video: 'videos',
  award: 'awards',
  contact: 'contacts',
  contractor: 'contractors',
  platform: 'platforms',
  category: 'categories',
};

const LANG = '<lang>';
const ITALY_SECTION = '<it>';

/** Keys with one unambiguous home, so that one found under the wrong parent can be moved there. */
const HOMES: Record<string, string[]> = {
  ...Object.fromEntries(
    ['publiccodeYmlVersion', 'applicationSuite', 'landingURL', 'isBasedOn', 'softwareVersion', 'releaseDate', 'logo',
      'platforms', 'categories', 'usedBy', 'roadmap', 'developmentStatus', 'softwareType', 'supports', 'intendedAudience',
      'description', 'legal', 'maintenance', 'localisation', 'dependsOn', 'organisation', 'fundedBy'].map((k) => [k, []]),
  ),
  ...Object.fromEntries(Object.keys(DESCRIPTION_LANG.fields).map((k) => [k, ['description', LANG]])),
  ...Object.fromEntries(['license', 'mainCopyrightOwner', 'repoOwner', 'authorsFile'].map((k) => [k, ['legal']])),
  contractors: ['maintenance'],
  contacts: ['maintenance'],
  localisationReady: ['localisation'],
  availableLanguages: ['localisation'],
  countries: ['intendedAudience'],
  unsupportedCountries: ['intendedAudience'],
  scope: ['intendedAudience'],
  open: ['dependsOn'],
  proprietary: ['dependsOn'],
  hardware: ['dependsOn'],
  countryExtensionVersion: [ITALY_SECTION],
  conforme: [ITALY_SECTION],
  piattaforme: [ITALY_SECTION],
  riuso: [ITALY_SECTION],
  codiceIPA: [ITALY_SECTION, 'riuso'],
  ...Object.fromEntries(CONFORMITY_FLAGS.map((k) => [k, [ITALY_SECTION, 'conforme']])),
  ...Object.fromEntries(ITALIAN_PLATFORMS.map((k) => [k, [ITALY_SECTION, 'piattaforme']])),
};

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[\s_-]/g, '');

function matchKey(raw: string, candidates: readonly string[], localAliases?: Record<string, string>): string | null {
  const n = normaliseKey(raw);
  const aliased = localAliases?.[raw] ?? localAliases?.[n] ?? KEY_ALIASES[n];
  if (aliased && candidates.includes(aliased)) return aliased;
  return candidates.find((c) => normaliseKey(c) === n) ?? null;
}

const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

interface Stray {
  entry: YEntry;
  key: string;
  home: string[];
  foundPath: string;
}

interface CanonEnv {
  report: Report;
  strays: Stray[];
}

function canonicaliseMap(map: YMap, shape: MapShape, path: string, env: CanonEnv): void {
  const fieldNames = Object.keys(shape.fields);
  const kept = new Map<string, YEntry>();
  for (const entry of map.entries) {
    let key = entry.key;
    if (!Object.prototype.hasOwnProperty.call(shape.fields, key)) {
      const mapped = matchKey(key, fieldNames, shape.aliases);
      if (mapped) {
        env.report.warn(joinPath(path, mapped), entry.keyLine, pc('keyAlias', { key, mapped, path: joinPath(path, mapped), line: entry.keyLine }));
        key = mapped;
      } else {
        const home = matchKey(key, Object.keys(HOMES));
        if (home) {
          env.strays.push({ entry, key: home, home: HOMES[home], foundPath: joinPath(path, entry.key) });
        } else {
          env.report.warn(joinPath(path, key), entry.keyLine, pc('keyUnknown', { key: shown(key), path: joinPath(path, key), line: entry.keyLine }));
        }
        continue;
      }
    }
    if (kept.has(key)) {
      env.report.warn(joinPath(path, key), entry.keyLine, pc('keyRepeated', { key, path: joinPath(path, key), line: entry.keyLine }));
      kept.delete(key);
    }
    kept.set(key, { ...entry, key });
  }
  map.entries = [...kept.values()];
  for (const entry of map.entries) canonicaliseValue(entry.value, shape.fields[entry.key], joinPath(path, entry.key), env);
}

function canonicaliseValue(node: YNode, shape: Shape, path: string, env: CanonEnv): void {
  if (shape.kind === 'map' && node.kind === 'map') canonicaliseMap(node, shape, path, env);
  else if (shape.kind === 'langs' && node.kind === 'map') canonicaliseLangs(node, shape, path, env);
  else if (shape.kind === 'list') {
    if (node.kind === 'seq') {
      node.items.forEach((item, i) => {
        if (item.kind === 'map') canonicaliseMap(item, shape.item, `${path}[${i}]`, env);
      });
    } else if (node.kind === 'map') {
      // A single object where a list is expected: it becomes item 0 when values are read.
      canonicaliseMap(node, shape.item, `${path}[0]`, env);
    }
  }
}

function canonicaliseLangs(map: YMap, shape: LangsShape, path: string, env: CanonEnv): void {
  const kept = new Map<string, YEntry>();
  for (const entry of map.entries) {
    if (!LANGUAGE_TAG.test(entry.key)) {
      const home = matchKey(entry.key, Object.keys(HOMES));
      if (home) {
        env.strays.push({ entry, key: home, home: HOMES[home], foundPath: joinPath(path, entry.key) });
      } else {
        env.report.warn(joinPath(path, entry.key), entry.keyLine, pc('langSectionInvalid', { key: shown(entry.key), path: joinPath(path, entry.key), line: entry.keyLine }));
      }
      continue;
    }
    const lang = entry.key.split('-')[0].toLowerCase();
    if (entry.value.kind === 'map') canonicaliseMap(entry.value, shape.lang, joinPath(path, lang), env);
    const previous = kept.get(lang);
    if (!previous) {
      kept.set(lang, { ...entry, key: lang });
    } else if (previous.value.kind === 'map' && entry.value.kind === 'map') {
      env.report.warn(joinPath(path, lang), entry.keyLine, pc('langMerged', { key: entry.key, lang, path: joinPath(path, lang), line: entry.keyLine }));
      for (const field of entry.value.entries) {
        const existing = findEntry(previous.value, field.key);
        if (existing && !isEmptyNode(existing.value)) {
          env.report.warn(joinPath(joinPath(path, lang), field.key), field.keyLine, pc('langFieldDuplicate', { key: field.key, lang, path: joinPath(joinPath(path, lang), field.key), line: field.keyLine }));
        } else {
          if (existing) previous.value.entries = previous.value.entries.filter((e) => e !== existing);
          previous.value.entries.push(field);
        }
      }
    } else {
      env.report.warn(joinPath(path, lang), entry.keyLine, pc('langRepeated', { lang, path: joinPath(path, lang), line: entry.keyLine }));
      kept.set(lang, { ...entry, key: lang });
    }
  }
  map.entries = [...kept.values()];
}

function shapeAt(segments: string[]): Shape {
  let shape: Shape = ROOT;
  for (const seg of segments) {
    if (shape.kind === 'map') shape = shape.fields[seg] ?? LEAF;
    else if (shape.kind === 'langs') shape = shape.lang;
    else if (shape.kind === 'list') shape = shape.item.fields[seg] ?? LEAF;
    else return LEAF;
  }
  return shape;
}

/** The language a description key found outside its language section is given. */
function languageFor(root: YMap, key: string): string {
  const description = findEntry(root, 'description')?.value;
  if (description?.kind === 'map' && description.entries.length > 0) {
    const lacking = description.entries.find((e) => e.value.kind !== 'map' || !findEntry(e.value, key) || isEmptyNode(findEntry(e.value, key)!.value));
    return (lacking ?? description.entries[0]).key;
  }
  const languages = findEntry(findEntry(root, 'localisation')?.value as YMap | undefined, 'availableLanguages')?.value;
  const first = languages?.kind === 'seq' ? languages.items[0] : languages;
  if (first?.kind === 'scalar' && typeof first.value === 'string' && LANGUAGE_TAG.test(first.value.trim())) {
    return first.value.trim().split('-')[0].toLowerCase();
  }
  // The catalogue serves Italian bodies: a description with no language at all is taken as Italian.
  return 'it';
}

function placeStrays(root: YMap, env: CanonEnv): void {
  while (env.strays.length > 0) {
    const stray = env.strays.shift()!;
    const parents = stray.home.map((seg) => {
      if (seg === LANG) return languageFor(root, stray.key);
      if (seg === ITALY_SECTION) return findEntry(root, 'IT') && !findEntry(root, 'it') ? 'IT' : 'it';
      return seg;
    });
    const target = [...parents, stray.key].join('.');
    const line = stray.entry.keyLine;
    let parent: YMap | null = root;
    for (const seg of parents) {
      const existing: YEntry | undefined = findEntry(parent, seg);
      if (!existing || isEmptyNode(existing.value)) {
        const created: YMap = { kind: 'map', line, entries: [] };
        if (existing) existing.value = created;
        else parent.entries.push({ key: seg, keyLine: line, value: created });
        parent = created;
      } else if (existing.value.kind === 'map') {
        parent = existing.value;
      } else {
        parent = null;
        break;
      }
    }
    const existing = parent ? findEntry(parent, stray.key) : undefined;
    if (!parent || (existing && !isEmptyNode(existing.value))) {
      env.report.warn(target, line, pc('strayTaken', { key: stray.key, found: stray.foundPath, target, path: target, line }));
      continue;
    }
    if (existing) parent.entries = parent.entries.filter((e) => e !== existing);
    parent.entries.push({ key: stray.key, keyLine: line, value: stray.entry.value });
    env.report.warn(target, line, pc('strayMoved', { key: stray.key, found: stray.foundPath, target, path: target, line }));
    canonicaliseValue(stray.entry.value, shapeAt([...parents, stray.key]), target, env);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading values

/** What a node is, as the key of a phrase ("un elenco") that messages take as their `found` value. */
const describeNode = (node: YNode): Message => {
  if (node.kind === 'seq') return 'catalog:pc.node.seq';
  if (node.kind === 'map') return 'catalog:pc.node.map';
  if (typeof node.value === 'number' || typeof node.value === 'bigint') return 'catalog:pc.node.number';
  if (typeof node.value === 'boolean') return 'catalog:pc.node.boolean';
  if (node.value instanceof Date) return 'catalog:pc.node.date';
  if (typeof node.value === 'string') return 'catalog:pc.node.text';
  return 'catalog:pc.node.other';
};

/** A Message of the import report (`catalog:pc.<name>`); every one carries the key path and line it is about. */
const pc = (name: string, params: Record<string, string | number | boolean | null>): Message => msg(`catalog:pc.${name}`, params);
/** A reason for refusing a whole file (`catalog:reject.<name>`). */
const rejected = (name: string, params?: Record<string, string | number>): Message => msg(`catalog:reject.${name}`, params);

const charCount = (s: string): number => [...s].length;

/** A value quoted in a message: control characters made visible, long values shortened. */
function shown(raw: string): string {
  const visible = raw.replace(/[\p{Cc}]/gu, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return [...visible].length > 80 ? `${[...visible].slice(0, 77).join('')}…` : visible;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', 'si', 'sì', 'vero', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', 'falso', '0']);

const ABSOLUTE_SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// Plain relative paths only: no scheme, no query or fragment, nothing a browser could reinterpret.
const RELATIVE_PATH = /^[\p{L}\p{N}._~\-/ %()+,@!$=]+$/u;

/** The URL when `raw` is a well-formed absolute http(s) URL with a host, otherwise null. */
function httpUrl(raw: string): URL | null {
  if ([...raw].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || '<>"`'.includes(c))) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return null;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname ? parsed : null;
}

type UrlKind = 'absolute' | 'linkOrPath' | 'uri';

class Reader {
  constructor(readonly report: Report) {}

  missing(path: string, parentLine: number | null): void {
    this.report.warn(path, parentLine, pc('missing', { path, line: parentLine }), true);
  }

  /** Text of a scalar node; numbers and booleans become their source text, with a warning. */
  scalarText(node: YNode, path: string, required: boolean, quietCoercion = false): string | null {
    if (node.kind !== 'scalar') {
      this.report.warn(path, node.line, pc('expectedTextIgnored', { found: describeNode(node), path, line: node.line }), required);
      return null;
    }
    const v = node.value;
    if (v == null) return null;
    if (typeof v === 'string') return v.trim() || null;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof Date) {
      const text = (node.plain ?? (v instanceof Date ? v.toISOString() : String(v))).trim();
      if (!quietCoercion) {
        this.report.warn(path, node.line, pc('expectedTextConverted', { found: describeNode(node), text, path, line: node.line }));
      }
      return text;
    }
    this.report.warn(path, node.line, pc('expectedTextIgnored', { found: describeNode(node), path, line: node.line }), required);
    return null;
  }

  text(entry: YEntry | undefined, path: string, opts: { required?: boolean; parentLine?: number | null } = {}): string | null {
    const required = opts.required ?? false;
    if (!entry) {
      if (required) this.missing(path, opts.parentLine ?? null);
      return null;
    }
    const value = this.scalarText(entry.value, path, required);
    if (value === null && required && entry.value.kind === 'scalar' && isEmptyNode(entry.value)) {
      this.report.warn(path, entry.keyLine, pc('requiredEmpty', { path, line: entry.keyLine }), true);
    }
    return value;
  }

  /** A list of texts; a single value is accepted as a one-element list (with a warning unless `singleAllowed`). */
  textList(entry: YEntry | undefined, path: string, opts: { singleAllowed?: boolean } = {}): Array<{ value: string; line: number; path: string }> {
    if (!entry) return [];
    const node = entry.value;
    if (node.kind === 'scalar') {
      const value = this.scalarText(node, path, false);
      if (value === null) return [];
      if (!opts.singleAllowed) {
        this.report.warn(path, node.line, pc('expectedListSingle', { path, line: node.line }));
      }
      return [{ value, line: node.line, path: `${path}[0]` }];
    }
    if (node.kind === 'map') {
      this.report.warn(path, node.line, pc('expectedListMap', { path, line: node.line }));
      return [];
    }
    const out: Array<{ value: string; line: number; path: string }> = [];
    node.items.forEach((item, i) => {
      const itemPath = `${path}[${i}]`;
      const value = this.scalarText(item, itemPath, false);
      if (value !== null) out.push({ value, line: item.line, path: itemPath });
    });
    return out;
  }

  /** Items of a list of objects; a lone object becomes a one-element list, a lone text the object's `primary` key. */
  objectList(entry: YEntry | undefined, path: string, primary: string): Array<{ map: YMap; path: string; line: number; keyLine: number }> {
    if (!entry) return [];
    const node = entry.value;
    const asItem = (item: YNode, itemPath: string): { map: YMap; path: string; line: number; keyLine: number } | null => {
      if (item.kind === 'map') return { map: item, path: itemPath, line: item.line, keyLine: item.line };
      if (item.kind === 'scalar' && item.value != null && !(typeof item.value === 'string' && item.value.trim() === '')) {
        this.report.warn(itemPath, item.line, pc('expectedObjectScalar', { primary, path: itemPath, line: item.line }));
        return {
          map: { kind: 'map', line: item.line, entries: [{ key: primary, keyLine: item.line, value: item }] },
          path: itemPath, line: item.line, keyLine: item.line,
        };
      }
      if (item.kind === 'seq') {
        this.report.warn(itemPath, item.line, pc('expectedObjectList', { path: itemPath, line: item.line }));
      }
      return null;
    };
    if (node.kind === 'seq') {
      return node.items.map((item, i) => asItem(item, `${path}[${i}]`)).filter((x) => x !== null);
    }
    if (node.kind === 'map') {
      this.report.warn(path, entry.keyLine, pc('expectedListObject', { path, line: entry.keyLine }));
    } else if (isEmptyNode(node)) {
      return [];
    } else {
      this.report.warn(path, node.line, pc('expectedListSingle', { path, line: node.line }));
    }
    const one = asItem(node, `${path}[0]`);
    return one ? [one] : [];
  }

  bool(entry: YEntry | undefined, path: string, opts: { required?: boolean; parentLine?: number | null } = {}): boolean | null {
    const required = opts.required ?? false;
    if (!entry) {
      if (required) this.missing(path, opts.parentLine ?? null);
      return null;
    }
    const node = entry.value;
    if (node.kind === 'scalar') {
      if (typeof node.value === 'boolean') return node.value;
      if (node.value == null || (typeof node.value === 'string' && node.value.trim() === '')) {
        if (required) this.report.warn(path, entry.keyLine, pc('requiredEmpty', { path, line: entry.keyLine }), true);
        return null;
      }
      const word = (node.plain ?? String(node.value)).trim().toLowerCase();
      const value = TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : null;
      if (value !== null) {
        this.report.warn(path, node.line, pc('boolInterpreted', { raw: (node.plain ?? String(node.value)).trim(), value: String(value), path, line: node.line }));
        return value;
      }
    }
    this.report.warn(path, node.line, node.kind === 'scalar'
      ? pc('boolIgnoredValue', { raw: String(node.plain ?? node.value), path, line: node.line })
      : pc('boolIgnored', { found: describeNode(node), path, line: node.line }), required);
    return null;
  }

  /** A date as YYYY-MM-DD; unambiguous other forms are normalised, the rest dropped. */
  date(entry: YEntry | undefined, path: string, opts: { required?: boolean; parentLine?: number | null } = {}): string | null {
    const required = opts.required ?? false;
    if (!entry) {
      if (required) this.missing(path, opts.parentLine ?? null);
      return null;
    }
    const node = entry.value;
    const raw = this.scalarText(node, path, required, true);
    if (raw === null) {
      if (required && node.kind === 'scalar' && isEmptyNode(node)) this.report.warn(path, entry.keyLine, pc('requiredEmpty', { path, line: entry.keyLine }), true);
      return null;
    }
    const result = normaliseDate(raw);
    if (result.iso && result.exact) return result.iso;
    if (result.iso) {
      this.report.warn(path, node.line, pc('dateNormalised', { raw: shown(raw), iso: result.iso, path, line: node.line }));
      return result.iso;
    }
    this.report.warn(path, node.line, pc(result.ambiguous ? 'dateAmbiguous' : 'dateInvalid', { raw: shown(raw), path, line: node.line }), required);
    return null;
  }

  /** A link value checked against its kind; any scheme other than http(s) (and urn: for URIs) is dropped. */
  link(raw: string, line: number, path: string, kind: UrlKind, required: boolean): PubliccodeLink | null {
    const scheme = ABSOLUTE_SCHEME.exec(raw)?.[1].toLowerCase();
    if (scheme) {
      if (kind === 'uri' && scheme === 'urn' && /^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(raw)) return { href: raw, relative: false };
      if (scheme !== 'http' && scheme !== 'https') {
        this.report.warn(path, line, pc('schemeRefused', { scheme, path, line }), required);
        return null;
      }
      if (!httpUrl(raw)) {
        this.report.warn(path, line, pc('urlInvalid', { raw: shown(raw), path, line }), required);
        return null;
      }
      return { href: raw, relative: false };
    }
    if (kind !== 'linkOrPath') {
      this.report.warn(path, line, pc('urlNotAbsolute', { raw: shown(raw), path, line }), required);
      return null;
    }
    let relative = raw.replace(/^(\.\/)+/, '');
    if (!relative.startsWith('//')) relative = relative.replace(/^\/+/, '');
    const segments = relative.split('/');
    if (raw.startsWith('//') || !relative || !RELATIVE_PATH.test(relative) || segments.some((s) => s === '..' || s === '.')) {
      this.report.warn(path, line, pc('urlNotPath', { raw: shown(raw), path, line }), required);
      return null;
    }
    return { href: relative, relative: true };
  }

  url(entry: YEntry | undefined, path: string, kind: UrlKind, opts: { required?: boolean; parentLine?: number | null } = {}): PubliccodeLink | null {
    const raw = this.text(entry, path, opts);
    if (raw === null || !entry) return null;
    return this.link(raw, entry.value.line, path, kind, opts.required ?? false);
  }

  urlList(entry: YEntry | undefined, path: string, kind: UrlKind, opts: { singleAllowed?: boolean } = {}): PubliccodeLink[] {
    return this.textList(entry, path, opts)
      .map((item) => this.link(item.value, item.line, item.path, kind, false))
      .filter((x) => x !== null);
  }

  /** A value of a controlled vocabulary; a different letter case is corrected, anything else dropped. */
  vocabulary<T extends string>(raw: string, line: number, path: string, values: readonly T[], field: string, required: boolean): T | null {
    if ((values as readonly string[]).includes(raw)) return raw as T;
    const folded = values.find((v) => v.toLowerCase() === raw.toLowerCase());
    if (folded) {
      this.report.warn(path, line, pc('vocabularyCase', { raw: shown(raw), value: folded, path, line }));
      return folded;
    }
    this.report.warn(path, line, values.length <= 12
      ? pc('vocabularyInvalidAllowed', { raw: shown(raw), field, allowed: values.join(', '), path, line })
      : pc('vocabularyInvalid', { raw: shown(raw), field, path, line }), required);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Dates and licences

function isoDate(year: number, month: number, day: number): string | null {
  const dt = DateTime.fromObject({ year, month, day }, { zone: 'utc' });
  return dt.isValid ? dt.toISODate() : null;
}

export function normaliseDate(raw: string): { iso: string | null; exact: boolean; ambiguous: boolean } {
  const s = raw.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return { iso: isoDate(+m[1], +m[2], +m[3]), exact: true, ambiguous: false };
  // A YAML timestamp: the calendar day as written, whatever the time zone.
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ]|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{1,2}(?::?\d{2})?)?$/.exec(s);
  if (m) return { iso: isoDate(+m[1], +m[2], +m[3]), exact: false, ambiguous: false };
  m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (m) return { iso: isoDate(+m[1], +m[2], +m[3]), exact: false, ambiguous: false };
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s);
  if (m) {
    const a = +m[1];
    const b = +m[2];
    const year = +m[3];
    if (a === b || (a > 12 && b <= 12)) return { iso: isoDate(year, b, a), exact: false, ambiguous: false };
    if (b > 12 && a <= 12) return { iso: isoDate(year, a, b), exact: false, ambiguous: false };
    if (a <= 12 && b <= 12) return { iso: null, exact: false, ambiguous: true };
  }
  return { iso: null, exact: false, ambiguous: false };
}

const require = createRequire(import.meta.url);
const SPDX_IDS: string[] = [
  ...(require('spdx-license-ids') as string[]),
  ...(require('spdx-license-ids/deprecated.json') as string[]),
  ...(require('spdx-exceptions') as string[]),
];
const SPDX_BY_LOWER = new Map(SPDX_IDS.map((id) => [id.toLowerCase(), id]));

function isSpdx(expression: string): boolean {
  try {
    parseSpdx(expression);
    return true;
  } catch {
    return false;
  }
}

/** The licence as a valid SPDX expression if it is one up to letter case (identifiers are case-insensitive). */
export function canonicalSpdx(expression: string): string | null {
  if (isSpdx(expression)) return expression;
  const recased = expression.replace(/[A-Za-z0-9.-]+/g, (token) => {
    const upper = token.toUpperCase();
    if (upper === 'AND' || upper === 'OR' || upper === 'WITH') return upper;
    return SPDX_BY_LOWER.get(token.toLowerCase()) ?? token;
  });
  return isSpdx(recased) ? recased : null;
}

// ---------------------------------------------------------------------------------------------
// Input checks

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Decoded = { ok: true; text: string } | { ok: false; reason: Message };

function decode(input: string | Buffer): Decoded {
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > MAX_PUBLICCODE_BYTES) {
      return { ok: false, reason: rejected('tooBig', { mb: MAX_PUBLICCODE_BYTES / 1024 / 1024 }) };
    }
    if (input.includes('\u0000')) return { ok: false, reason: rejected('binary') };
    if (LONE_SURROGATE.test(input)) return { ok: false, reason: rejected('badUtf8') };
    return { ok: true, text: input.replace(/^\uFEFF/, '') };
  }
  if (input.length > MAX_PUBLICCODE_BYTES) return { ok: false, reason: rejected('tooBig', { mb: MAX_PUBLICCODE_BYTES / 1024 / 1024 }) };
  if ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff)) {
    return { ok: false, reason: rejected('utf16') };
  }
  if (input.includes(0)) return { ok: false, reason: rejected('binary') };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input) };
  } catch {
    return { ok: false, reason: rejected('notUtf8') };
  }
}

/** The YAML parser's error codes that have a phrase of their own (`catalog:yaml.<code>`); others read "sintassi non valida". */
const YAML_ERROR_CODES = new Set([
  'BAD_INDENT',
  'TAB_AS_INDENT',
  'BLOCK_AS_IMPLICIT_KEY',
  'MULTILINE_IMPLICIT_KEY',
  'MISSING_CHAR',
  'UNEXPECTED_TOKEN',
  'BAD_SCALAR_START',
  'BAD_DQ_ESCAPE',
  'BLOCK_IN_FLOW',
  'BAD_ALIAS',
  'ALIAS_PROPS',
  'BAD_DIRECTIVE',
  'BAD_PROP_ORDER',
  'MULTIPLE_ANCHORS',
  'MULTIPLE_TAGS',
  'MULTIPLE_DOCS',
  'KEY_OVER_1024_CHARS',
  'NON_STRING_KEY',
  'TAG_RESOLVE_FAILED',
  'BAD_COLLECTION_TYPE',
  'DUPLICATE_KEY',
  'IMPOSSIBLE',
]);

// ---------------------------------------------------------------------------------------------
// The parser

const SUPPORTED_VERSION = /^0(\.[2-7](\.\d+)?)?$/;
const IPA_URN = /^urn:x-italian-pa:(.*)$/i;
const IPA_CODE = /^[a-z0-9][a-z0-9_.-]{0,39}$/i;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const COUNTRY = /^[a-z]{2}$/i;

export function parsePubliccode(input: string | Buffer): PubliccodeParseResult {
  const decoded = decode(input);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  const text = decoded.text;
  if (text.trim() === '') return { ok: false, reason: rejected('empty') };

  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: true });
  } catch {
    return { ok: false, reason: rejected('notYaml') };
  }
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    const detail = YAML_ERROR_CODES.has(error.code) ? `catalog:yaml.${error.code}` : 'catalog:yaml.syntax';
    return {
      ok: false,
      reason: rejected('yaml', { line: pos.line, col: pos.col, detail }),
      line: pos.line,
      column: pos.col,
    };
  }
  if (doc.contents == null) return { ok: false, reason: rejected('onlyComments') };

  let root: YNode;
  try {
    root = toTree(doc.contents, { doc, lines, count: 0 }, 0, 1);
  } catch (err) {
    if (err instanceof TooComplexError) {
      return { ok: false, reason: rejected('tooComplex') };
    }
    throw err;
  }
  if (root.kind === 'seq') {
    return { ok: false, reason: rejected('list'), line: root.line };
  }
  if (root.kind === 'scalar') {
    return { ok: false, reason: rejected('scalar'), line: root.line };
  }

  const report = new Report();
  const env: CanonEnv = { report, strays: [] };
  canonicaliseMap(root, ROOT, '', env);
  placeStrays(root, env);

  const read = new Reader(report);
  const get = (key: string): YEntry | undefined => findEntry(root as YMap, key);

  // name and url identify the asset: without them there is nothing to import.
  const nameEntry = get('name');
  if (!nameEntry || isEmptyNode(nameEntry.value)) {
    return { ok: false, reason: rejected('noName'), ...(nameEntry ? { line: nameEntry.keyLine } : {}) };
  }
  const name = read.scalarText(nameEntry.value, 'name', true);
  if (name === null) return { ok: false, reason: rejected('nameNotText'), line: nameEntry.keyLine };
  const urlEntry = get('url');
  if (!urlEntry || isEmptyNode(urlEntry.value)) {
    return { ok: false, reason: rejected('noUrl'), ...(urlEntry ? { line: urlEntry.keyLine } : {}) };
  }
  const urlText = urlEntry.value.kind === 'scalar' && typeof urlEntry.value.value === 'string' ? urlEntry.value.value.trim() : null;
  if (!urlText || !httpUrl(urlText)) {
    return {
      ok: false,
      reason: urlText ? rejected('urlNotHttpFound', { url: urlText }) : rejected('urlNotHttp'),
      line: urlEntry.value.line,
    };
  }

  const asset = readAsset(root, read, name, urlText);
  asset.complete = !report.blocking;
  return { ok: true, asset, warnings: report.sorted() };
}

function readAsset(root: YMap, read: Reader, name: string, url: string): PubliccodeAsset {
  const report = read.report;
  const get = (key: string): YEntry | undefined => findEntry(root, key);
  const section = (key: string, path: string = key): { map: YMap | null; line: number | null } => {
    const entry = get(key);
    if (!entry || isEmptyNode(entry.value)) return { map: null, line: entry?.keyLine ?? null };
    if (entry.value.kind !== 'map') {
      report.warn(path, entry.keyLine, pc('sectionNotMap', { found: describeNode(entry.value), path, line: entry.keyLine }));
      return { map: null, line: entry.keyLine };
    }
    return { map: entry.value, line: entry.keyLine };
  };
  const sub = (map: YMap | null, key: string, path: string): { map: YMap | null; line: number | null } => {
    const entry = findEntry(map, key);
    if (!entry || isEmptyNode(entry.value)) return { map: null, line: entry?.keyLine ?? null };
    if (entry.value.kind !== 'map') {
      report.warn(path, entry.keyLine, pc('sectionNotMap', { found: describeNode(entry.value), path, line: entry.keyLine }));
      return { map: null, line: entry.keyLine };
    }
    return { map: entry.value, line: entry.keyLine };
  };

  // publiccodeYmlVersion
  const versionEntry = get('publiccodeYmlVersion');
  let version: string | null = null;
  if (!versionEntry) {
    report.warn('publiccodeYmlVersion', null, pc('versionMissing', { latest: LATEST_PUBLICCODE_VERSION, path: 'publiccodeYmlVersion', line: null }), true);
  } else {
    version = read.text(versionEntry, 'publiccodeYmlVersion', { required: true });
    if (version !== null && !SUPPORTED_VERSION.test(version)) {
      report.warn('publiccodeYmlVersion', versionEntry.value.line, pc('versionUnknown', { version, path: 'publiccodeYmlVersion', line: versionEntry.value.line }), true);
    }
  }
  // categories stopped being required in 0.5.
  const categoriesRequired = version !== null && /^0\.[234](\.|$)/.test(version);

  for (const deprecated of ['monochromeLogo', 'inputTypes', 'outputTypes']) {
    const entry = get(deprecated);
    if (entry) report.warn(deprecated, entry.keyLine, pc('deprecatedKey', { key: deprecated, path: deprecated, line: entry.keyLine }));
  }

  const applicationSuite = read.text(get('applicationSuite'), 'applicationSuite');
  const landingURL = read.url(get('landingURL'), 'landingURL', 'absolute')?.href ?? null;
  const softwareVersion = read.text(get('softwareVersion'), 'softwareVersion');
  const releaseDate = read.date(get('releaseDate'), 'releaseDate');
  const logo = read.url(get('logo'), 'logo', 'linkOrPath');
  const roadmap = read.url(get('roadmap'), 'roadmap', 'absolute')?.href ?? null;
  const isBasedOn = read.urlList(get('isBasedOn'), 'isBasedOn', 'absolute', { singleAllowed: true }).map((l) => l.href);
  const usedBy = read.textList(get('usedBy'), 'usedBy').map((x) => x.value);

  // platforms: a single value is explicitly allowed by the standard.
  const platformItems = read.textList(get('platforms'), 'platforms', { singleAllowed: true });
  const platforms = unique(platformItems.map(({ value }) => {
    const known = PLATFORMS.find((p) => p === value.toLowerCase());
    return known ?? value;
  }));
  if (platforms.length === 0) {
    if (get('platforms')) report.warn('platforms', get('platforms')!.keyLine, pc('requiredEmpty', { path: 'platforms', line: get('platforms')!.keyLine }), true);
    else read.missing('platforms', null);
  }

  const categories = unique(read.textList(get('categories'), 'categories')
    .map((item) => read.vocabulary(item.value, item.line, item.path, PUBLICCODE_CATEGORIES, 'categories', false))
    .filter((x) => x !== null));
  if (categories.length === 0 && categoriesRequired) {
    const entry = get('categories');
    if (entry) report.warn('categories', entry.keyLine, pc('categoriesNoneValid', { version, path: 'categories', line: entry.keyLine }), true);
    else report.warn('categories', null, pc('categoriesMissing', { version, path: 'categories', line: null }), true);
  }

  const developmentStatus = readEnum(read, get('developmentStatus'), 'developmentStatus', DEVELOPMENT_STATUSES, 'developmentStatus');
  const softwareType = readEnum(read, get('softwareType'), 'softwareType', SOFTWARE_TYPES, 'softwareType');

  // intendedAudience
  const audience = section('intendedAudience');
  const scope = unique(read.textList(findEntry(audience.map, 'scope'), 'intendedAudience.scope')
    .map((item) => read.vocabulary(item.value, item.line, item.path, PUBLICCODE_SCOPES, 'intendedAudience.scope', false))
    .filter((x) => x !== null));
  const countries = (key: string): string[] => unique(read.textList(findEntry(audience.map, key), `intendedAudience.${key}`)
    .filter((item) => {
      if (COUNTRY.test(item.value)) return true;
      report.warn(item.path, item.line, pc('countryInvalid', { raw: shown(item.value), path: item.path, line: item.line }));
      return false;
    })
    .map((item) => item.value.toLowerCase()));

  const descriptions = readDescriptions(root, read);

  // legal
  const legal = section('legal');
  const licenseEntry = findEntry(legal.map, 'license');
  const rawLicense = read.text(licenseEntry, 'legal.license', { required: true, parentLine: legal.line });
  let license = rawLicense;
  let licenseIsSpdx = false;
  if (rawLicense !== null) {
    const canonical = canonicalSpdx(rawLicense);
    if (canonical === null) {
      report.warn('legal.license', licenseEntry!.value.line, pc('licenseNotSpdx', { raw: shown(rawLicense), path: 'legal.license', line: licenseEntry!.value.line }), true);
    } else {
      licenseIsSpdx = true;
      if (canonical !== rawLicense) {
        report.warn('legal.license', licenseEntry!.value.line, pc('licenseRecased', { raw: shown(rawLicense), canonical, path: 'legal.license', line: licenseEntry!.value.line }));
        license = canonical;
      }
    }
  }

  // maintenance
  const maintenance = section('maintenance');
  const maintenanceType = readEnum(read, findEntry(maintenance.map, 'type'), 'maintenance.type', MAINTENANCE_TYPES,
    'maintenance.type', maintenance.line);
  const contractors = read.objectList(findEntry(maintenance.map, 'contractors'), 'maintenance.contractors', 'name')
    .map((item) => {
      const get = (k: string): YEntry | undefined => findEntry(item.map, k);
      const contractorName = read.text(get('name'), `${item.path}.name`, { required: true, parentLine: item.line });
      const until = read.date(get('until'), `${item.path}.until`, { required: true, parentLine: item.line });
      const email = readEmail(read, get('email'), `${item.path}.email`);
      const website = read.url(get('website'), `${item.path}.website`, 'absolute')?.href ?? null;
      return contractorName === null ? null : { name: contractorName, until, email, website };
    })
    .filter((x) => x !== null);
  const contacts = read.objectList(findEntry(maintenance.map, 'contacts'), 'maintenance.contacts', 'name')
    .map((item) => {
      const get = (k: string): YEntry | undefined => findEntry(item.map, k);
      const contactName = read.text(get('name'), `${item.path}.name`, { required: true, parentLine: item.line });
      const email = readEmail(read, get('email'), `${item.path}.email`);
      const phone = read.text(get('phone'), `${item.path}.phone`);
      const affiliation = read.text(get('affiliation'), `${item.path}.affiliation`);
      return contactName === null ? null : { name: contactName, email, phone, affiliation };
    })
    .filter((x) => x !== null);
  if (maintenanceType === 'contract' && contractors.length === 0 && !findEntry(maintenance.map, 'contractors')) {
    report.warn('maintenance.contractors', maintenance.line, pc('contractorsMissing', { path: 'maintenance.contractors', line: maintenance.line }), true);
  } else if (maintenanceType === 'contract' && contractors.length === 0) {
    const line = findEntry(maintenance.map, 'contractors')!.keyLine;
    report.warn('maintenance.contractors', line, pc('contractorsNoneValid', { path: 'maintenance.contractors', line }), true);
  }
  if (maintenanceType !== null && maintenanceType !== 'contract' && contractors.length > 0) {
    const line = findEntry(maintenance.map, 'contractors')!.keyLine;
    report.warn('maintenance.contractors', line, pc('contractorsNotAllowed', { type: maintenanceType, path: 'maintenance.contractors', line }), true);
  }
  if ((maintenanceType === 'internal' || maintenanceType === 'community') && contacts.length === 0) {
    const entry = findEntry(maintenance.map, 'contacts');
    const line = entry?.keyLine ?? maintenance.line;
    report.warn('maintenance.contacts', line, pc(entry ? 'contactsNoneValid' : 'contactsMissing', { type: maintenanceType, path: 'maintenance.contacts', line }), true);
  }

  // localisation
  const localisation = section('localisation');
  const localisationReady = read.bool(findEntry(localisation.map, 'localisationReady'), 'localisation.localisationReady',
    { required: true, parentLine: localisation.line });
  const languagesEntry = findEntry(localisation.map, 'availableLanguages');
  const availableLanguages = unique(read.textList(languagesEntry, 'localisation.availableLanguages')
    .filter((item) => {
      if (LANGUAGE_TAG.test(item.value)) return true;
      report.warn(item.path, item.line, pc('languageInvalid', { raw: shown(item.value), path: item.path, line: item.line }));
      return false;
    })
    .map((item) => item.value));
  if (availableLanguages.length === 0) {
    if (languagesEntry) report.warn('localisation.availableLanguages', languagesEntry.keyLine, pc('languagesNoneValid', { path: 'localisation.availableLanguages', line: languagesEntry.keyLine }), true);
    else read.missing('localisation.availableLanguages', localisation.line);
  }

  // dependsOn
  const dependsOn = section('dependsOn');
  const dependencies = (key: 'open' | 'proprietary' | 'hardware'): PubliccodeDependency[] =>
    read.objectList(findEntry(dependsOn.map, key), `dependsOn.${key}`, 'name')
      .map((item) => {
        const get = (k: string): YEntry | undefined => findEntry(item.map, k);
        const depName = read.text(get('name'), `${item.path}.name`, { required: true, parentLine: item.line });
        // The standard allows numbers for dependency versions, so 17 is read as "17" without a warning.
        const dependencyVersion = (k: string): string | null => {
          const entry = get(k);
          return entry ? read.scalarText(entry.value, `${item.path}.${k}`, false, true) : null;
        };
        const dependency: PubliccodeDependency = {
          name: depName ?? '',
          versionMin: dependencyVersion('versionMin'),
          versionMax: dependencyVersion('versionMax'),
          version: dependencyVersion('version'),
          optional: read.bool(get('optional'), `${item.path}.optional`) ?? false,
        };
        return depName === null ? null : dependency;
      })
      .filter((x) => x !== null);

  // Italian data: organisation.uri (0.5+), the it/IT section, 0.7 supports.
  const organisation = section('organisation');
  const organisationName = read.text(findEntry(organisation.map, 'name'), 'organisation.name');
  // uri is what identifies the organisation: a section without it cannot be exported again.
  const organisationUri = read.url(findEntry(organisation.map, 'uri'), 'organisation.uri', 'uri',
    { required: organisation.map !== null, parentLine: organisation.line })?.href ?? null;
  let cedentIpaCode: string | null = null;
  let cedentSource = '';
  const takeIpaCode = (raw: string, path: string, line: number): void => {
    const code = raw.trim().toLowerCase();
    if (!IPA_CODE.test(code)) {
      report.warn(path, line, pc('ipaInvalid', { raw: shown(raw), path, line }));
    } else if (cedentIpaCode === null) {
      cedentIpaCode = code;
      cedentSource = path;
    } else if (cedentIpaCode !== code) {
      report.warn(path, line, pc('ipaConflict', { code, source: cedentSource, first: cedentIpaCode, path, line }));
    }
  };
  const ipaFromUri = organisationUri ? IPA_URN.exec(organisationUri) : null;
  if (ipaFromUri) takeIpaCode(ipaFromUri[1], 'organisation.uri', findEntry(organisation.map, 'uri')!.value.line);

  const italianPlatforms = Object.fromEntries(ITALIAN_PLATFORMS.map((p) => [p, false])) as Record<ItalianPlatform, boolean>;
  const conformity = Object.fromEntries(CONFORMITY_FLAGS.map((f) => [f, false])) as Record<ConformityFlag, boolean>;
  for (const key of ['IT', 'it'] as const) {
    const italy = section(key);
    if (!italy.map) continue;
    const conforme = sub(italy.map, 'conforme', `${key}.conforme`);
    for (const flag of CONFORMITY_FLAGS) {
      if (read.bool(findEntry(conforme.map, flag), `${key}.conforme.${flag}`)) conformity[flag] = true;
    }
    const piattaforme = sub(italy.map, 'piattaforme', `${key}.piattaforme`);
    for (const platform of ITALIAN_PLATFORMS) {
      if (read.bool(findEntry(piattaforme.map, platform), `${key}.piattaforme.${platform}`)) italianPlatforms[platform] = true;
    }
    const riuso = sub(italy.map, 'riuso', `${key}.riuso`);
    const codeEntry = findEntry(riuso.map, 'codiceIPA');
    const code = read.text(codeEntry, `${key}.riuso.codiceIPA`);
    if (code !== null) takeIpaCode(code, `${key}.riuso.codiceIPA`, codeEntry!.value.line);
  }

  const supports: string[] = [];
  for (const item of read.objectList(get('supports'), 'supports', 'id')) {
    const idEntry = findEntry(item.map, 'id');
    const id = read.text(idEntry, `${item.path}.id`, { required: true, parentLine: item.line });
    if (id === null) continue;
    const alias = /^alias:(.*)$/i.exec(id);
    if (alias) {
      const aliasName = alias[1].trim().toLowerCase();
      if (!(SUPPORTS_ALIASES as readonly string[]).includes(aliasName)) {
        report.warn(`${item.path}.id`, idEntry!.value.line, pc('aliasUnknown', { raw: shown(id), allowed: SUPPORTS_ALIASES.map((a) => `alias:${a}`).join(', '), path: `${item.path}.id`, line: idEntry!.value.line }));
      } else if ((ITALIAN_PLATFORMS as readonly string[]).includes(aliasName)) {
        italianPlatforms[aliasName as ItalianPlatform] = true;
      } else if (aliasName === 'gdpr') {
        conformity.gdpr = true;
      } else {
        supports.push(`alias:${aliasName}`);
      }
      continue;
    }
    const link = read.link(id, idEntry!.value.line, `${item.path}.id`, 'uri', false);
    if (link) supports.push(link.href);
  }

  const fundedBy = read.objectList(get('fundedBy'), 'fundedBy', 'name')
    .map((item) => {
      const funderName = read.text(findEntry(item.map, 'name'), `${item.path}.name`, { required: true, parentLine: item.line });
      const uri = read.url(findEntry(item.map, 'uri'), `${item.path}.uri`, 'uri')?.href ?? null;
      return funderName === null ? null : { name: funderName, uri };
    })
    .filter((x) => x !== null);

  // Re-typed: TypeScript cannot see the assignments made inside takeIpaCode.
  const code: string | null = cedentIpaCode;
  return {
    publiccodeYmlVersion: version,
    name,
    applicationSuite,
    url,
    landingURL,
    softwareVersion,
    releaseDate,
    logo,
    platforms,
    categories,
    developmentStatus,
    softwareType,
    intendedAudience: { scope, countries: countries('countries'), unsupportedCountries: countries('unsupportedCountries') },
    descriptions,
    legal: {
      license,
      licenseIsSpdx,
      mainCopyrightOwner: read.text(findEntry(legal.map, 'mainCopyrightOwner'), 'legal.mainCopyrightOwner'),
      repoOwner: read.text(findEntry(legal.map, 'repoOwner'), 'legal.repoOwner'),
      authorsFile: read.url(findEntry(legal.map, 'authorsFile'), 'legal.authorsFile', 'linkOrPath'),
    },
    maintenance: { type: maintenanceType, contractors, contacts },
    localisation: { localisationReady, availableLanguages },
    dependsOn: { open: dependencies('open'), proprietary: dependencies('proprietary'), hardware: dependencies('hardware') },
    organisation: { name: organisationName, uri: code !== null ? `urn:x-italian-pa:${code}` : organisationUri },
    cedentIpaCode: code,
    italianPlatforms,
    conformity,
    supports: unique(supports),
    isBasedOn,
    usedBy,
    roadmap,
    fundedBy,
    complete: false,
  };
}

function readEnum<T extends string>(read: Reader, entry: YEntry | undefined, path: string, values: readonly T[], field: string, parentLine: number | null = null): T | null {
  const raw = read.text(entry, path, { required: true, parentLine });
  if (raw === null || !entry) return null;
  return read.vocabulary(raw, entry.value.line, path, values, field, true);
}

function readEmail(read: Reader, entry: YEntry | undefined, path: string): string | null {
  const value = read.text(entry, path);
  if (value === null || !entry) return null;
  if (EMAIL.test(value)) return value;
  read.report.warn(path, entry.value.line, pc('emailInvalid', { raw: shown(value), path, line: entry.value.line }));
  return null;
}

function readDescriptions(root: YMap, read: Reader): Record<string, PubliccodeDescription> {
  const report = read.report;
  const entry = findEntry(root, 'description');
  const descriptions: Record<string, PubliccodeDescription> = {};
  if (!entry || isEmptyNode(entry.value)) {
    read.missing('description', null);
    return descriptions;
  }
  if (entry.value.kind !== 'map') {
    report.warn('description', entry.keyLine, pc('descriptionNotLangs', { found: describeNode(entry.value), path: 'description', line: entry.keyLine }), true);
    return descriptions;
  }
  let withLong = false;
  let withFeatures = false;
  for (const langEntry of entry.value.entries) {
    const lang = langEntry.key;
    const base = `description.${lang}`;
    if (langEntry.value.kind !== 'map') {
      report.warn(base, langEntry.keyLine, pc('sectionNotMap', { found: describeNode(langEntry.value), path: base, line: langEntry.keyLine }));
      continue;
    }
    const map = langEntry.value;
    const get = (k: string): YEntry | undefined => findEntry(map, k);
    const shortDescription = read.text(get('shortDescription'), `${base}.shortDescription`, { required: true, parentLine: langEntry.keyLine });
    if (shortDescription !== null && charCount(shortDescription) > 150) {
      const line = get('shortDescription')!.value.line;
      report.warn(`${base}.shortDescription`, line, pc('shortTooLong', { max: 150, n: charCount(shortDescription), path: `${base}.shortDescription`, line }), true);
    }
    const longDescription = read.text(get('longDescription'), `${base}.longDescription`);
    if (longDescription !== null) {
      withLong = true;
      const n = charCount(longDescription);
      if (n < 150 || n > 10000) {
        const line = get('longDescription')!.value.line;
        report.warn(`${base}.longDescription`, line, pc('longLength', { min: 150, max: 10000, n, path: `${base}.longDescription`, line }), true);
      }
    }
    const features = read.textList(get('features'), `${base}.features`).map((x) => x.value);
    if (features.length > 0) withFeatures = true;
    descriptions[lang] = {
      localisedName: read.text(get('localisedName'), `${base}.localisedName`),
      genericName: read.text(get('genericName'), `${base}.genericName`),
      shortDescription,
      longDescription,
      documentation: read.url(get('documentation'), `${base}.documentation`, 'absolute')?.href ?? null,
      apiDocumentation: read.url(get('apiDocumentation'), `${base}.apiDocumentation`, 'absolute')?.href ?? null,
      features,
      screenshots: read.urlList(get('screenshots'), `${base}.screenshots`, 'linkOrPath'),
      videos: read.urlList(get('videos'), `${base}.videos`, 'absolute').map((l) => l.href),
      awards: read.textList(get('awards'), `${base}.awards`).map((x) => x.value),
    };
  }
  const languages = Object.keys(descriptions);
  if (languages.length === 0) {
    report.warn('description', entry.keyLine, pc('descriptionNoLanguage', { path: 'description', line: entry.keyLine }), true);
  } else {
    const first = languages[0];
    const firstLine = findEntry(entry.value, first)?.keyLine ?? null;
    if (!withLong) read.missing(`description.${first}.longDescription`, firstLine);
    if (!withFeatures) read.missing(`description.${first}.features`, firstLine);
  }
  return descriptions;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
