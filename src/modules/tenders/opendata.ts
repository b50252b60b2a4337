// Open data: OCDS 1.1 release packages of the public dossiers. The queries here select only what
// is public (dossiers marked public, joined bodies' names, public document versions, milestones,
// award and contract); ocds.ts then drops again anything not marked public.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Platform } from '../../platform/context.js';
import { exportsDir, StoredExport, type ExportState, type ExportWrite } from '../../platform/exports.js';
import { NotFoundError } from '../../platform/errors.js';
import { leadBody } from '../entities/index.js';
import { milestoneDate } from './dates.js';
import { Dossier } from './models.js';
import { buildRelease, buildReleasePackage, packageHead, releaseDate, type OcdsReleasePackage, type PublicDossier } from './ocds.js';
import { phaseIndex, type DocumentType, type LotStatus, type MilestoneKind } from './procurement.js';

/** Rows grouped by their dossier, in their query order: each dossier finds its own in one lookup. */
function byDossier<T extends { dossier_id: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.dossier_id);
    if (list) list.push(r);
    else out.set(r.dossier_id, [r]);
  }
  return out;
}

type Lead = { ipaCode: string; name: string } | null;

/** The queries at once on the pool, or one after the other on a transaction's single connection. */
async function inTurnOrAtOnce<T extends readonly (() => Promise<unknown>)[]>(inTurn: boolean, jobs: T): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  type Out = { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
  if (!inTurn) return (await Promise.all(jobs.map((j) => j()))) as Out;
  const out: unknown[] = [];
  for (const j of jobs) out.push(await j());
  return out as Out;
}

/**
 * Builds the public view of dossiers in a bounded number of queries (one per table), in linear
 * time (children grouped by dossier once). `lead` is the lead body when the caller already has it.
 */
async function publicDossiers(platform: Platform, dossiers: Dossier[], opts: { transaction?: Transaction; lead?: Lead } = {}): Promise<PublicDossier[]> {
  if (dossiers.length === 0) return [];
  const { transaction } = opts;
  const ids = dossiers.map((d) => d.id);
  const q = <T extends object>(sql: string) => platform.sequelize.query<T>(sql, { replacements: { ids }, type: QueryTypes.SELECT, transaction });
  const [lots, buyers, docs, milestones, lead, contracting] = await inTurnOrAtOnce(Boolean(transaction), [
    () => q<{ id: number; dossier_id: number; number: number; title: string; description: string | null; cig: string | null; value: string; status: LotStatus }>(
      'SELECT id, dossier_id, number, title, description, cig, value_cents::text AS value, status FROM tender_lots WHERE dossier_id IN (:ids) ORDER BY dossier_id, number',
    ),
    () => q<{ dossier_id: number; ipa_code: string; name: string }>(
      `SELECT p.dossier_id, e.ipa_code, e.name FROM tender_participants p JOIN entities e ON e.id = p.entity_id
        WHERE p.dossier_id IN (:ids) AND p.status = 'joined' ORDER BY e.name`,
    ),
    // The latest public version of each document: older public versions stay downloadable from the page.
    () => q<{ dossier_id: number; document_id: number; version_id: number; lot_id: number | null; type: DocumentType; title: string; mime: string; uploaded_at: Date }>(
      `SELECT DISTINCT ON (d.id) d.dossier_id, d.id AS document_id, v.id AS version_id, d.lot_id, d.type, d.title, v.mime, v.uploaded_at
         FROM tender_documents d JOIN tender_document_versions v ON v.document_id = d.id AND v.visibility = 'public'
        WHERE d.dossier_id IN (:ids) ORDER BY d.id, v.version DESC`,
    ),
    () => q<{ id: number; dossier_id: number; kind: MilestoneKind; title: string; due_on: string; due_time: string | null }>(
      'SELECT id, dossier_id, kind, title, due_on::text, due_time FROM tender_milestones WHERE dossier_id IN (:ids) ORDER BY due_on, id',
    ),
    async () => (opts.lead !== undefined ? opts.lead : leadBody({ transaction })),
    // A comune's own procedure: the comune is its buyer and procuring entity.
    () => q<{ dossier_id: number; ipa_code: string; name: string }>(
      'SELECT d.id AS dossier_id, e.ipa_code, e.name FROM tender_dossiers d JOIN entities e ON e.id = d.contracting_entity_id WHERE d.id IN (:ids)',
    ),
  ] as const);
  const procuringEntity = lead ? { ipaCode: lead.ipaCode, name: lead.name } : { ipaCode: 'cithub', name: platform.config.centre.name };
  const [lotsOf, buyersOf, docsOf, milestonesOf] = [byDossier(lots), byDossier(buyers), byDossier(docs), byDossier(milestones)];
  const ownOf = new Map(contracting.map((c) => [c.dossier_id, c]));
  return dossiers.map((d) => {
    const own = ownOf.get(d.id);
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
      buyers: own ? [] : (buyersOf.get(d.id) ?? []).map((b) => ({ ipaCode: b.ipa_code, name: b.name })),
      lots: (lotsOf.get(d.id) ?? []).map((l) => ({ id: l.id, title: `Lotto ${l.number}: ${l.title}`, description: l.description, cig: l.cig, valueCents: Number(l.value), status: l.status })),
      documents: (docsOf.get(d.id) ?? []).map((x) => ({ id: x.document_id, type: x.type, title: x.title, url: `/gare/${d.id}/documenti/${x.document_id}/versioni/${x.version_id}`, datePublished: x.uploaded_at, format: x.mime, visibility: 'public' as const, lotId: x.lot_id })),
      milestones: (milestonesOf.get(d.id) ?? []).map((m) => ({ id: m.id, kind: m.kind, title: m.title, date: milestoneDate({ dueOn: m.due_on, dueTime: m.due_time }) })),
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

function packageOptions(platform: Platform) {
  return { uri: `${platform.config.baseUrl}/gare/ocds.json`, publisherName: platform.config.centre.name, publisherUri: platform.config.baseUrl };
}

/**
 * Dossiers read per FETCH of the cursor (few round trips), and releases built between two yields
 * to the event loop: a slice is a few milliseconds of work, so no request waits behind the export.
 */
const FETCH = 100;
const SLICE = 20;

/**
 * The state of the whole export: every change of a dossier moves its updated_at (history.ts), so
 * the count and the latest updated_at of the public ones identify the contents, with the bodies'
 * last change for their names. Last-Modified is the latest change of any dossier or body: a dossier
 * leaving the export moves it too, so it never goes back.
 */
async function exportState(sequelize: Sequelize, transaction?: Transaction): Promise<ExportState & { latestPublic: Date | null }> {
  const [row] = await sequelize.query<{ n: number; latest: Date | null; any: Date | null; bodies: Date | null }>(
    `SELECT count(*) FILTER (WHERE is_public)::int AS n, max(updated_at) FILTER (WHERE is_public) AS latest, max(updated_at) AS any,
            (SELECT max(updated_at) FROM entities) AS bodies
       FROM tender_dossiers`,
    { type: QueryTypes.SELECT, transaction },
  );
  const stamp = (d: Date | null) => (d ? new Date(d).toISOString() : '');
  const times = [row.any, row.bodies].filter((d): d is Date => d !== null).map((d) => new Date(d).getTime());
  return {
    key: `${EXPORT_FORMAT}|${row.n}|${stamp(row.latest)}|${stamp(row.bodies)}`,
    lastModified: new Date(times.length ? Math.max(...times) : 0),
    latestPublic: row.latest,
  };
}

/** Bumped when the export's bytes change for the same data (a change of this code): old files and ETags lapse. */
const EXPORT_FORMAT = 2;

/**
 * Writes the whole package, every public dossier newest change first, chunk by chunk from a
 * server-side cursor: the same bytes as JSON.stringify(buildAllPackage()), in constant memory.
 */
async function writeAllPackage(platform: Platform, write: ExportWrite, transaction: Transaction): Promise<boolean> {
  const { sequelize } = platform;
  const state = await exportState(sequelize, transaction);
  if (!state.latestPublic) return false;
  // Whether any release has lots decides the package's head, written before the releases.
  const [{ withLots }] = await sequelize.query<{ withLots: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM tender_lots l JOIN tender_dossiers d ON d.id = l.dossier_id WHERE d.is_public) AS "withLots"',
    { type: QueryTypes.SELECT, transaction },
  );
  const head = packageHead({ publishedDate: releaseDate(state.latestPublic), withLots }, packageOptions(platform));
  const shell = JSON.stringify({ ...head, releases: [] });
  await write(shell.slice(0, -2));
  const lead = await leadBody({ transaction });
  const opts = options(platform);
  await sequelize.query('DECLARE ocds_export NO SCROLL CURSOR FOR SELECT id FROM tender_dossiers WHERE is_public ORDER BY updated_at DESC, id DESC', { transaction });
  let first = true;
  for (;;) {
    const ids = (await sequelize.query<{ id: number }>(`FETCH ${FETCH} FROM ocds_export`, { type: QueryTypes.SELECT, transaction })).map((r) => r.id);
    if (ids.length === 0) break;
    const found = new Map((await Dossier.findAll({ where: { id: ids }, transaction })).map((d) => [d.id, d]));
    const pubs = await publicDossiers(platform, ids.map((id) => found.get(id)!), { transaction, lead });
    for (let i = 0; i < pubs.length; i += SLICE) {
      const parts = pubs.slice(i, i + SLICE).map((p) => JSON.stringify(buildRelease(p, opts)));
      await write(`${first ? '' : ','}${parts.join(',')}`);
      first = false;
      // Give the event loop back even when the files took the slice at once.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await sequelize.query('CLOSE ocds_export', { transaction });
  await write(']}');
  return true;
}

const exportsByDir = new Map<string, StoredExport>();

/** The stored whole export of this installation (one per data folder). */
export function allPackageExport(platform: Platform): StoredExport {
  const dir = exportsDir(platform.config.dataDir);
  let exp = exportsByDir.get(dir);
  if (!exp) {
    exp = new StoredExport(dir, {
      name: 'tenders-ocds',
      extension: 'json',
      contentType: 'application/json; charset=utf-8',
      state: (sequelize, transaction) => exportState(sequelize, transaction).then((s) => ({ ...s, key: `${s.key}|${platform.config.baseUrl}` })),
      build: (write, transaction) => writeAllPackage(platform, write, transaction),
    });
    exportsByDir.set(dir, exp);
  }
  return exp;
}

/** Builds of the whole export run by this process (tests and the benchmark count them). */
export function exportBuilds(): number {
  let n = 0;
  for (const exp of exportsByDir.values()) n += exp.builds;
  return n;
}

/** The whole package in memory: the reference the stored export must equal, byte for byte. */
export async function buildAllPackage(platform: Platform): Promise<OcdsReleasePackage | null> {
  const dossiers = await Dossier.findAll({ where: { isPublic: true }, order: [['updatedAt', 'DESC'], ['id', 'DESC']] });
  if (dossiers.length === 0) return null;
  const pubs = await publicDossiers(platform, dossiers);
  return buildReleasePackage(
    pubs.map((p) => buildRelease(p, options(platform))),
    packageOptions(platform),
  );
}
