// Writes a catalogue asset back as publiccode.yml of the current standard (0.7): organisation.uri
// for the cedent body, `supports` for the Italian platforms and GDPR, and the deprecated IT
// section only for the three compliance flags that have no `supports` alias.
import { Document, parse, visit } from 'yaml';
import { CONFORMITY_FLAGS, ITALIAN_PLATFORMS } from './vocabulary.js';
import { LATEST_PUBLICCODE_VERSION, type PubliccodeAsset, type PubliccodeDependency } from './publiccode.js';

export interface ExportOptions {
  /** The cedent body's codiceIPA, when the catalogue knows it better than the asset. */
  cedentIpaCode?: string;
}

type Plain = string | boolean | Plain[] | { [key: string]: Plain };

/** Keeps only keys with a value, so the file has no empty lists or nulls. */
function compact(entries: Array<[string, Plain | null | undefined]>): { [key: string]: Plain } | null {
  const out: { [key: string]: Plain } = {};
  for (const [key, value] of entries) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' && value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function dependency(dep: PubliccodeDependency): Plain {
  return compact([
    ['name', dep.name],
    ['versionMin', dep.versionMin],
    ['versionMax', dep.versionMax],
    ['version', dep.version],
    ['optional', dep.optional ? true : null],
  ])!;
}

/** True when a string written plain would be read back as something else by a YAML 1.1 or 1.2 parser. */
function needsQuotes(value: string): boolean {
  if (value.includes('\n')) return false;
  for (const schema of ['core', 'yaml-1.1'] as const) {
    try {
      if (parse(value, { schema }) !== value) return true;
    } catch {
      return true;
    }
  }
  return false;
}

export function exportPubliccode(asset: PubliccodeAsset, opts: ExportOptions = {}): string {
  const ipaCode = (opts.cedentIpaCode ?? asset.cedentIpaCode ?? '').trim().toLowerCase() || null;
  const organisationUri = ipaCode ? `urn:x-italian-pa:${ipaCode}` : asset.organisation.uri;

  const supports: Plain[] = [
    ...ITALIAN_PLATFORMS.filter((p) => asset.italianPlatforms[p]).map((p) => `alias:${p}`),
    ...(asset.conformity.gdpr ? ['alias:gdpr'] : []),
    ...asset.supports,
  ].map((id) => ({ id }));

  const descriptions = Object.entries(asset.descriptions).map(([lang, d]): [string, Plain | null] => [lang, compact([
    ['localisedName', d.localisedName],
    ['genericName', d.genericName],
    ['shortDescription', d.shortDescription],
    ['longDescription', d.longDescription],
    ['documentation', d.documentation],
    ['apiDocumentation', d.apiDocumentation],
    ['features', d.features],
    ['screenshots', d.screenshots.map((s) => s.href)],
    ['videos', d.videos],
    ['awards', d.awards],
  ])]);

  const italianOnlyFlags = CONFORMITY_FLAGS.filter((f) => f !== 'gdpr' && asset.conformity[f]);

  const root = compact([
    ['publiccodeYmlVersion', LATEST_PUBLICCODE_VERSION],
    ['name', asset.name],
    ['applicationSuite', asset.applicationSuite],
    ['url', asset.url],
    ['landingURL', asset.landingURL],
    ['isBasedOn', asset.isBasedOn],
    ['softwareVersion', asset.softwareVersion],
    ['releaseDate', asset.releaseDate],
    ['logo', asset.logo?.href],
    ['platforms', asset.platforms],
    ['categories', asset.categories],
    ['usedBy', asset.usedBy],
    ['fundedBy', asset.fundedBy.map((f) => compact([['name', f.name], ['uri', f.uri]])!)],
    ['roadmap', asset.roadmap],
    ['developmentStatus', asset.developmentStatus],
    ['softwareType', asset.softwareType],
    ['supports', supports],
    ['intendedAudience', compact([
      ['scope', asset.intendedAudience.scope],
      ['countries', asset.intendedAudience.countries],
      ['unsupportedCountries', asset.intendedAudience.unsupportedCountries],
    ])],
    ['organisation', organisationUri ? compact([['uri', organisationUri], ['name', asset.organisation.name]]) : null],
    ['description', compact(descriptions)],
    ['legal', compact([
      ['license', asset.legal.license],
      ['mainCopyrightOwner', asset.legal.mainCopyrightOwner],
      ['repoOwner', asset.legal.repoOwner],
      ['authorsFile', asset.legal.authorsFile?.href],
    ])],
    ['maintenance', compact([
      ['type', asset.maintenance.type],
      ['contractors', asset.maintenance.contractors.map((c) => compact([
        ['name', c.name], ['until', c.until], ['email', c.email], ['website', c.website],
      ])!)],
      ['contacts', asset.maintenance.contacts.map((c) => compact([
        ['name', c.name], ['email', c.email], ['phone', c.phone], ['affiliation', c.affiliation],
      ])!)],
    ])],
    ['localisation', compact([
      ['localisationReady', asset.localisation.localisationReady ?? undefined],
      ['availableLanguages', asset.localisation.availableLanguages],
    ])],
    ['dependsOn', compact([
      ['open', asset.dependsOn.open.map(dependency)],
      ['proprietary', asset.dependsOn.proprietary.map(dependency)],
      ['hardware', asset.dependsOn.hardware.map(dependency)],
    ])],
    // 0.7 deprecates the IT section, but these three flags have no `supports` alias yet.
    ['IT', italianOnlyFlags.length > 0
      ? { countryExtensionVersion: '1.0', conforme: Object.fromEntries(italianOnlyFlags.map((f) => [f, true])) }
      : null],
  ]);

  const doc = new Document(root);
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') {
        if (node.value.includes('\n')) node.type = 'BLOCK_LITERAL';
        else if (needsQuotes(node.value)) node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ lineWidth: 100 });
}
