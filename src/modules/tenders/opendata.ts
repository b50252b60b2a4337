// Open data: OCDS 1.1 release packages of the public dossiers. The queries here select only what
// is public (dossiers marked public, joined bodies' names, public document versions, milestones,
// award and contract); ocds.ts then drops again anything not marked public.
import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { DataCache } from '../../platform/cache.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError } from '../../platform/errors.js';
import { leadBody } from '../entities/index.js';
import { milestoneDate } from './dates.js';
import { Dossier } from './models.js';
import { buildRelease, buildReleasePackage, type OcdsReleasePackage, type PublicDossier } from './ocds.js';
import { phaseIndex, type DocumentType, type LotStatus, type MilestoneKind } from './procurement.js';

/** Builds the public view of dossiers in a bounded number of queries (one per table). */
async function publicDossiers(platform: Platform, dossiers: Dossier[]): Promise<PublicDossier[]> {
  if (dossiers.length === 0) return [];
  const ids = dossiers.map((d) => d.id);
  const q = <T extends object>(sql: string) => platform.sequelize.query<T>(sql, { replacements: { ids }, type: QueryTypes.SELECT });
  const [lots, buyers, docs, milestones, lead, contracting] = await Promise.all([
    q<{ id: number; dossier_id: number; number: number; title: string; description: string | null; cig: string | null; value: string; status: LotStatus }>(
      'SELECT id, dossier_id, number, title, description, cig, value_cents::text AS value, status FROM tender_lots WHERE dossier_id IN (:ids) ORDER BY dossier_id, number',
    ),
    q<{ dossier_id: number; ipa_code: string; name: string }>(
      `SELECT p.dossier_id, e.ipa_code, e.name FROM tender_participants p JOIN entities e ON e.id = p.entity_id
        WHERE p.dossier_id IN (:ids) AND p.status = 'joined' ORDER BY e.name`,
    ),
    // The latest public version of each document: older public versions stay downloadable from the page.
    q<{ dossier_id: number; document_id: number; version_id: number; lot_id: number | null; type: DocumentType; title: string; mime: string; uploaded_at: Date }>(
      `SELECT DISTINCT ON (d.id) d.dossier_id, d.id AS document_id, v.id AS version_id, d.lot_id, d.type, d.title, v.mime, v.uploaded_at
         FROM tender_documents d JOIN tender_document_versions v ON v.document_id = d.id AND v.visibility = 'public'
        WHERE d.dossier_id IN (:ids) ORDER BY d.id, v.version DESC`,
    ),
    q<{ id: number; dossier_id: number; kind: MilestoneKind; title: string; due_on: string; due_time: string | null }>(
      'SELECT id, dossier_id, kind, title, due_on::text, due_time FROM tender_milestones WHERE dossier_id IN (:ids) ORDER BY due_on, id',
    ),
    leadBody(),
    // A comune's own procedure: the comune is its buyer and procuring entity.
    q<{ dossier_id: number; ipa_code: string; name: string }>(
      'SELECT d.id AS dossier_id, e.ipa_code, e.name FROM tender_dossiers d JOIN entities e ON e.id = d.contracting_entity_id WHERE d.id IN (:ids)',
    ),
  ]);
  const procuringEntity = lead ? { ipaCode: lead.ipaCode, name: lead.name } : { ipaCode: 'cithub', name: platform.config.centre.name };
  return dossiers.map((d) => {
    const own = contracting.find((c) => c.dossier_id === d.id);
    const reached = (p: Parameters<typeof phaseIndex>[0]) => d.phase !== 'cancelled' && phaseIndex(d.phase) >= phaseIndex(p);
    return {
      id: d.id,
      title: d.title,
      description: d.object,
      category: d.category,
      procedure: d.procedure,
      estimatedValueCents: d.estimatedValueCents,
      currency: 'EUR' as const,
      phase: d.phase,
      cancelledReason: d.cancelledReason,
      cup: d.cup,
      cpv: d.cpv,
      procuringEntity: own ? { ipaCode: own.ipa_code, name: own.name } : procuringEntity,
      buyers: own ? [] : buyers.filter((b) => b.dossier_id === d.id).map((b) => ({ ipaCode: b.ipa_code, name: b.name })),
      lots: lots.filter((l) => l.dossier_id === d.id).map((l) => ({ id: l.id, title: `Lotto ${l.number}: ${l.title}`, description: l.description, cig: l.cig, valueCents: Number(l.value), status: l.status })),
      documents: docs
        .filter((x) => x.dossier_id === d.id)
        .map((x) => ({ id: x.document_id, type: x.type, title: x.title, url: `/gare/${d.id}/documenti/${x.document_id}/versioni/${x.version_id}`, datePublished: x.uploaded_at, format: x.mime, visibility: 'public' as const, lotId: x.lot_id })),
      milestones: milestones.filter((m) => m.dossier_id === d.id).map((m) => ({ id: m.id, kind: m.kind, title: m.title, date: milestoneDate({ dueOn: m.due_on, dueTime: m.due_time }) })),
      award: d.awardSupplierName && (reached('awarded') || (d.phase === 'cancelled' && d.awardDate))
        ? { supplierName: d.awardSupplierName, supplierFiscalCode: d.awardSupplierFiscalCode, valueCents: d.awardValueCents, date: d.awardDate }
        : null,
      contract: reached('contract') ? { valueCents: d.contractValueCents ?? d.awardValueCents, dateSigned: d.contractSignedOn } : null,
      updatedAt: d.updatedAt,
    };
  });
}

function options(platform: Platform) {
  return { ocidPrefix: platform.config.ocdsOcidPrefix, publisherName: platform.config.centre.name, baseUrl: platform.config.baseUrl };
}

export async function dossierPackage(platform: Platform, id: number): Promise<OcdsReleasePackage> {
  const dossier = await Dossier.findOne({ where: { id, isPublic: true } });
  if (!dossier) throw new NotFoundError('tenders:error.publishedNotFound');
  const [pub] = await publicDossiers(platform, [dossier]);
  return buildReleasePackage([buildRelease(pub, options(platform))], {
    uri: `${platform.config.baseUrl}/gare/${id}/ocds.json`,
    publisherName: platform.config.centre.name,
    publisherUri: platform.config.baseUrl,
  });
}

// The whole export is rebuilt only when a public dossier changed: every change moves the dossier's
// updated_at (history.ts), so the latest updated_at and the count identify the contents (with the
// bodies' last change, for their names). The check is one indexed query, and it is correct across
// processes since the key comes from the database (src/platform/cache.ts).
type ExportEntry = { json: string; etag: string } | { none: true };
const exportCache = new DataCache<ExportEntry>({
  name: 'tenders-ocds-export',
  max: 2,
  ttlMs: 60 * 60_000,
  state: async (sequelize) => {
    const [state] = await sequelize.query<{ n: number; latest: Date | null; bodies: Date | null }>(
      `SELECT count(*)::int AS n, max(updated_at) AS latest, (SELECT max(updated_at) FROM entities) AS bodies
         FROM tender_dossiers WHERE is_public`,
      { type: QueryTypes.SELECT },
    );
    const stamp = (d: Date | null) => (d ? new Date(d).toISOString() : '');
    return `${state.n}|${stamp(state.latest)}|${stamp(state.bodies)}`;
  },
});

/**
 * Every public dossier, newest change first, serialized (the export can be megabytes: it is
 * stringified once per change, not per request), with an ETag. Null when none is public yet (a
 * package needs at least one release).
 */
export async function allPackageJson(platform: Platform): Promise<{ json: string; etag: string } | null> {
  const entry = await exportCache.fetch(platform.sequelize, platform.config.baseUrl, async () => {
    const pkg = await buildAllPackage(platform);
    if (!pkg) return { none: true };
    const json = JSON.stringify(pkg);
    return { json, etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` };
  });
  return 'none' in entry ? null : entry;
}

export async function buildAllPackage(platform: Platform): Promise<OcdsReleasePackage | null> {
  const dossiers = await Dossier.findAll({ where: { isPublic: true }, order: [['updatedAt', 'DESC'], ['id', 'DESC']] });
  if (dossiers.length === 0) return null;
  const pubs = await publicDossiers(platform, dossiers);
  return buildReleasePackage(
    pubs.map((p) => buildRelease(p, options(platform))),
    { uri: `${platform.config.baseUrl}/gare/ocds.json`, publisherName: platform.config.centre.name, publisherUri: platform.config.baseUrl },
  );
}
