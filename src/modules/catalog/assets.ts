// From a parsed publiccode.yml to the asset's indexed columns, slugs and repository keys.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { exportPubliccode } from './publiccode-export.js';
import { parsePubliccode, type PubliccodeAsset, type PubliccodeDescription, type PubliccodeWarning } from './publiccode.js';
import { ITALIAN_PLATFORMS, type ItalianPlatform } from './vocabulary.js';
import { escapeLike } from '../../platform/sql.js';

/** Paths under /catalogo/ that are pages, never slugs. */
export const RESERVED_SLUGS = new Set(['importa', 'nuovo', 'gestione', 'adozioni', 'catalogo']);

export function slugify(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 70)
    .replace(/-+$/g, '');
  return base || 'asset';
}

/** A slug not used by any asset (name-based, with -2, -3… when taken). */
export async function uniqueSlug(sequelize: Sequelize, name: string, transaction?: Transaction): Promise<string> {
  const base = slugify(name);
  const rows = await sequelize.query<{ slug: string }>(
    `SELECT slug FROM catalog_assets WHERE slug = :base OR slug LIKE :pattern`,
    { replacements: { base, pattern: `${escapeLike(base)}-%` }, type: QueryTypes.SELECT, transaction },
  );
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(base) && !RESERVED_SLUGS.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The identity of a repository: same host and path whatever the scheme, case, trailing slash or .git. */
export function urlKey(url: string | null | undefined): string | null {
  if (!url) return null;
  const key = url
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  return key || null;
}

/** Italian first, then English, then whatever language comes first. */
export function preferredLanguage(descriptions: Record<string, PubliccodeDescription>, wanted = 'it'): string | null {
  const langs = Object.keys(descriptions);
  if (langs.includes(wanted)) return wanted;
  if (langs.includes('it')) return 'it';
  if (langs.includes('en')) return 'en';
  return langs[0] ?? null;
}

export function italianPlatformList(asset: PubliccodeAsset): ItalianPlatform[] {
  return ITALIAN_PLATFORMS.filter((p) => asset.italianPlatforms[p]);
}

/** The PNRR measures an asset helps with, from the national platforms it integrates (a suggestion staff can edit). */
export function suggestedPnrrMeasures(asset: PubliccodeAsset): string[] {
  const out = new Set<string>();
  if (asset.italianPlatforms.spid || asset.italianPlatforms.cie || asset.italianPlatforms.anpr) out.add('1.4.4');
  if (asset.italianPlatforms.pagopa || asset.italianPlatforms.io) out.add('1.4.3');
  return [...out];
}

/** The columns the catalogue filters, sorts and searches on, taken from the publiccode content. */
export function columnsFrom(pc: PubliccodeAsset) {
  const lang = preferredLanguage(pc.descriptions);
  const description = lang ? pc.descriptions[lang] : null;
  return {
    name: pc.name,
    url: pc.url || null,
    urlKey: urlKey(pc.url),
    shortDescription: description?.shortDescription ?? null,
    publisher: pc.organisation.name ?? pc.legal.mainCopyrightOwner ?? pc.legal.repoOwner ?? null,
    softwareVersion: pc.softwareVersion,
    releaseDate: pc.releaseDate,
    developmentStatus: pc.developmentStatus,
    softwareType: pc.softwareType,
    license: pc.legal.license,
    categories: [...pc.categories],
    scopes: [...pc.intendedAudience.scope],
    platforms: [...pc.platforms],
    italianPlatforms: italianPlatformList(pc),
  };
}

/** The problems of the asset as it is now: its publiccode.yml written out and read back by the parser. */
export function currentWarnings(pc: PubliccodeAsset, cedentIpaCode?: string | null): { warnings: PubliccodeWarning[]; complete: boolean } {
  if (!pc.url) return { warnings: [], complete: false };
  const result = parsePubliccode(exportPubliccode(pc, cedentIpaCode ? { cedentIpaCode } : {}));
  if (!result.ok) return { warnings: [{ path: 'url', line: null, message: result.reason }], complete: false };
  return { warnings: result.warnings, complete: result.asset.complete };
}

/** An empty publiccode structure for assets created from the form. */
export function emptyPubliccode(name: string, url: string): PubliccodeAsset {
  return {
    publiccodeYmlVersion: '0.7',
    name,
    applicationSuite: null,
    url,
    landingURL: null,
    softwareVersion: null,
    releaseDate: null,
    logo: null,
    platforms: [],
    categories: [],
    developmentStatus: null,
    softwareType: null,
    intendedAudience: { scope: [], countries: [], unsupportedCountries: [] },
    descriptions: {},
    legal: { license: null, licenseIsSpdx: false, mainCopyrightOwner: null, repoOwner: null, authorsFile: null },
    maintenance: { type: null, contractors: [], contacts: [] },
    localisation: { localisationReady: null, availableLanguages: [] },
    dependsOn: { open: [], proprietary: [], hardware: [] },
    organisation: { name: null, uri: null },
    cedentIpaCode: null,
    italianPlatforms: { spid: false, cie: false, anpr: false, pagopa: false, io: false },
    conformity: { lineeGuidaDesign: false, modelloInteroperabilita: false, misureMinimeSicurezza: false, gdpr: false },
    supports: [],
    isBasedOn: [],
    usedBy: [],
    roadmap: null,
    fundedBy: [],
    complete: false,
  };
}

export function emptyDescription(): PubliccodeDescription {
  return {
    localisedName: null,
    genericName: null,
    shortDescription: null,
    longDescription: null,
    documentation: null,
    apiDocumentation: null,
    features: [],
    screenshots: [],
    videos: [],
    awards: [],
  };
}

/** Only absolute http(s) URLs are ever rendered as links. */
export function safeHref(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (!/^https?:\/\//i.test(v)) return null;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname ? u.href : null;
  } catch {
    return null;
  }
}
