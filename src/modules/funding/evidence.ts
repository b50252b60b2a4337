// A project's evidence: typed documents, each upload a new version (uploader, date, SHA-256) in the
// shared file store, like the tenders' documents; and the sample checks (controlli a campione) the
// managing authority requests: 20 working days on the business calendar to answer, with a checklist
// of the kinds of document to upload, each ticked once a version of that kind lands after the request.
import { DateTime } from 'luxon';
import { QueryTypes, type Transaction } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { BusinessCalendar } from '../../platform/calendar.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { loadBusinessCalendar } from '../../platform/settings.js';
import { parseInput } from '../../platform/validation.js';
import { todayInRome } from '../tenders/index.js';
import { assertCanEditBodyFunding, assertCanSeeBodyFunding } from './policy.js';
import { evidenceSchema, evidenceVersionSchema, sampleCheckSchema, type EvidenceType } from './schemas.js';

export const SAMPLE_CHECK_WORKING_DAYS = 20;
const ZONE = 'Europe/Rome';

export type EvidenceVersion = { id: number; version: number; size: number; sha256: string; mime: string; originalName: string; note: string | null; uploadedAt: Date; uploaderName: string | null };
export type EvidenceDocument = { id: number; type: EvidenceType; title: string; versions: EvidenceVersion[]; latest: EvidenceVersion };

async function projectEntity(platform: Platform, projectId: number, transaction?: Transaction): Promise<number | null> {
  if (projectId <= 0) return null;
  const [row] = await platform.sequelize.query<{ entity_id: number }>('SELECT entity_id FROM funding_projects WHERE id = :projectId', { replacements: { projectId }, type: QueryTypes.SELECT, transaction });
  return row?.entity_id ?? null;
}

async function assertSee(platform: Platform, viewer: Viewer, projectId: number): Promise<number> {
  const entityId = await projectEntity(platform, projectId);
  if (entityId === null) throw new NotFoundError('funding:error.notFound');
  assertCanSeeBodyFunding(viewer, entityId);
  return entityId;
}

async function assertEdit(platform: Platform, actor: Actor, projectId: number): Promise<number> {
  const entityId = await projectEntity(platform, projectId);
  if (entityId === null) throw new NotFoundError('funding:error.notFound');
  assertCanEditBodyFunding(actor, entityId);
  return entityId;
}

async function storeVersion(platform: Platform, actor: Actor, documentId: number, version: number, file: FileSource, note: string | null, transaction: Transaction) {
  const stored = await platform.files.save({ ...file, uploadedBy: actor.userId }, transaction);
  await platform.sequelize.query(
    `INSERT INTO funding_document_versions (document_id, version, file_id, sha256, size, mime, original_name, note, uploaded_by)
     VALUES (:documentId, :version, :fileId, :sha256, :size, :mime, :name, :note, :by)`,
    { replacements: { documentId, version, fileId: stored.id, sha256: stored.sha256, size: stored.size, mime: stored.mime, name: stored.originalName, note, by: actor.userId }, transaction },
  );
  return stored;
}

export async function addEvidence(platform: Platform, actor: Actor, projectId: number, input: unknown, file: FileSource | null): Promise<number> {
  const entityId = await assertEdit(platform, actor, projectId);
  const data = parseInput(evidenceSchema, input);
  if (!file) throw new ValidationError({ file: 'funding:error.fileMissing' });
  return platform.sequelize.transaction(async (transaction) => {
    const [doc] = await platform.sequelize.query<{ id: number }>(
      'INSERT INTO funding_documents (project_id, type, title, created_by) VALUES (:projectId, :type, :title, :by) RETURNING id',
      { replacements: { projectId, type: data.type, title: data.title, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    const stored = await storeVersion(platform, actor, doc.id, 1, file, data.note, transaction);
    await platform.audit.record(actor, { action: 'funding.evidence.add', subjectType: 'funding_project', subjectId: projectId, entityId, details: { documentId: doc.id, type: data.type, sha256: stored.sha256 } }, transaction);
    return doc.id;
  });
}

export async function addEvidenceVersion(platform: Platform, actor: Actor, projectId: number, documentId: number, input: unknown, file: FileSource | null): Promise<number> {
  const entityId = await assertEdit(platform, actor, projectId);
  const data = parseInput(evidenceVersionSchema, input);
  if (!file) throw new ValidationError({ file: 'funding:error.versionFileMissing' });
  return platform.sequelize.transaction(async (transaction) => {
    const [doc] = await platform.sequelize.query<{ id: number; last: number }>(
      `SELECT d.id, (SELECT coalesce(max(version), 0) FROM funding_document_versions v WHERE v.document_id = d.id)::int AS last
         FROM funding_documents d WHERE d.id = :documentId AND d.project_id = :projectId FOR UPDATE`,
      { replacements: { documentId, projectId }, type: QueryTypes.SELECT, transaction },
    );
    if (!doc) throw new NotFoundError('funding:error.documentNotFound');
    const stored = await storeVersion(platform, actor, doc.id, doc.last + 1, file, data.note, transaction);
    await platform.sequelize.query('UPDATE funding_documents SET updated_at = now() WHERE id = :id', { replacements: { id: doc.id }, transaction });
    await platform.audit.record(actor, { action: 'funding.evidence.version', subjectType: 'funding_project', subjectId: projectId, entityId, details: { documentId: doc.id, version: doc.last + 1, sha256: stored.sha256 } }, transaction);
    return doc.last + 1;
  });
}

type VersionRow = { id: number; document_id: number; version: number; size: number; sha256: string; mime: string; original_name: string; note: string | null; uploaded_at: Date; uploader: string | null };

/** The project's documents with all their versions, latest first (two statements whatever the count). */
export async function projectEvidence(platform: Platform, viewer: Viewer, projectId: number, documentId?: number): Promise<EvidenceDocument[]> {
  await assertSee(platform, viewer, projectId);
  const docs = await platform.sequelize.query<{ id: number; type: EvidenceType; title: string }>(
    `SELECT id, type, title FROM funding_documents WHERE project_id = :projectId ${documentId !== undefined ? 'AND id = :documentId' : ''} ORDER BY type, id`,
    { replacements: { projectId, documentId: documentId ?? null }, type: QueryTypes.SELECT },
  );
  if (!docs.length) return [];
  const versions = await platform.sequelize.query<VersionRow>(
    `SELECT v.id, v.document_id, v.version, v.size, v.sha256, v.mime, v.original_name, v.note, v.uploaded_at, COALESCE(NULLIF(u.name, ''), u.email) AS uploader
       FROM funding_document_versions v LEFT JOIN users u ON u.id = v.uploaded_by
      WHERE v.document_id IN (:ids) ORDER BY v.document_id, v.version DESC`,
    { replacements: { ids: docs.map((d) => d.id) }, type: QueryTypes.SELECT },
  );
  return docs
    .map((d) => {
      const list = versions
        .filter((v) => v.document_id === d.id)
        .map((v) => ({ id: v.id, version: v.version, size: v.size, sha256: v.sha256, mime: v.mime, originalName: v.original_name, note: v.note, uploadedAt: v.uploaded_at, uploaderName: v.uploader }));
      return { id: d.id, type: d.type, title: d.title, versions: list, latest: list[0] };
    })
    .filter((d) => d.latest);
}

export async function evidenceDocument(platform: Platform, viewer: Viewer, projectId: number, documentId: number): Promise<EvidenceDocument> {
  const [doc] = documentId > 0 ? await projectEvidence(platform, viewer, projectId, documentId) : [];
  if (!doc) throw new NotFoundError('funding:error.documentNotFound');
  return doc;
}

/** The stored file of a version, or 404 (missing, another project's, or not for this viewer, alike). */
export async function evidenceFile(platform: Platform, viewer: Viewer, projectId: number, documentId: number, versionId: number): Promise<{ fileId: string; originalName: string }> {
  await assertSee(platform, viewer, projectId);
  const [row] = await platform.sequelize.query<{ file_id: string; original_name: string }>(
    `SELECT v.file_id, v.original_name FROM funding_document_versions v JOIN funding_documents d ON d.id = v.document_id
      WHERE v.id = :versionId AND d.id = :documentId AND d.project_id = :projectId`,
    { replacements: { versionId: versionId > 0 ? versionId : 0, documentId: documentId > 0 ? documentId : 0, projectId }, type: QueryTypes.SELECT },
  );
  if (!row) throw new NotFoundError('funding:error.documentNotFound');
  return { fileId: row.file_id, originalName: row.original_name };
}

// ---- Sample checks ----

/** The day N working days after `day` (a day in Rome), on the business calendar. */
export function addWorkingDays(calendar: BusinessCalendar, day: string, n: number): string {
  const noon = DateTime.fromISO(`${day}T12:00:00`, { zone: ZONE }).toJSDate();
  return DateTime.fromJSDate(calendar.addBusinessDays(noon, n), { zone: ZONE }).toISODate()!;
}

/** Working days from `from` (excluded) to `to` (included); negative when `to` is past. */
export function workingDaysLeft(calendar: BusinessCalendar, from: string, to: string): number {
  const sign = to >= from ? 1 : -1;
  let n = 0;
  let d = DateTime.fromISO(`${from}T12:00:00`, { zone: ZONE });
  const end = DateTime.fromISO(`${to}T12:00:00`, { zone: ZONE });
  for (let i = 0; i < 800 && (sign > 0 ? d < end : d > end); i++) {
    d = d.plus({ days: sign });
    if (calendar.isBusinessDay(d.toJSDate())) n += sign;
  }
  return n;
}

export type ChecklistItem = { type: EvidenceType; done: boolean };
export type SampleCheck = {
  id: number;
  requestedOn: string;
  dueOn: string;
  closedOn: string | null;
  note: string | null;
  checklist: ChecklistItem[];
  workingDaysLeft: number;
  level: 'done' | 'overdue' | 'danger' | 'warning' | 'ok';
};

/** The project's sample checks, the open one first; each item ticked by a version of its kind uploaded on or after the request. */
export async function sampleChecks(platform: Platform, viewer: Viewer, projectId: number, today = todayInRome()): Promise<SampleCheck[]> {
  await assertSee(platform, viewer, projectId);
  const rows = await platform.sequelize.query<{ id: number; requested_on: string; due_on: string; closed_on: string | null; note: string | null; checklist: EvidenceType[]; uploaded: EvidenceType[] | null }>(
    `SELECT s.id, s.requested_on::text, s.due_on::text, s.closed_on::text, s.note, s.checklist,
            (SELECT array_agg(DISTINCT d.type) FROM funding_documents d JOIN funding_document_versions v ON v.document_id = d.id
              WHERE d.project_id = s.project_id AND (v.uploaded_at AT TIME ZONE 'Europe/Rome')::date >= s.requested_on) AS uploaded
       FROM funding_sample_checks s WHERE s.project_id = :projectId ORDER BY (s.closed_on IS NULL) DESC, s.requested_on DESC, s.id DESC`,
    { replacements: { projectId }, type: QueryTypes.SELECT },
  );
  if (!rows.length) return [];
  const calendar = await loadBusinessCalendar(platform.sequelize);
  return rows.map((r) => {
    const left = workingDaysLeft(calendar, today, r.due_on);
    return {
      id: r.id,
      requestedOn: r.requested_on,
      dueOn: r.due_on,
      closedOn: r.closed_on,
      note: r.note,
      checklist: r.checklist.map((type) => ({ type, done: (r.uploaded ?? []).includes(type) })),
      workingDaysLeft: left,
      level: r.closed_on ? 'done' : left < 0 ? 'overdue' : left <= 5 ? 'danger' : left <= 10 ? 'warning' : 'ok',
    };
  });
}

export async function openSampleCheck(platform: Platform, actor: Actor, projectId: number, input: unknown): Promise<number> {
  const entityId = await assertSee(platform, actor, projectId);
  if (!isStaff(actor)) throw new ForbiddenError('funding:error.staffOnly', 'funding.sample-check.open');
  const data = parseInput(sampleCheckSchema, input);
  const calendar = await loadBusinessCalendar(platform.sequelize);
  const dueOn = addWorkingDays(calendar, data.requestedOn, SAMPLE_CHECK_WORKING_DAYS);
  return platform.sequelize.transaction(async (transaction) => {
    const [row] = await platform.sequelize.query<{ id: number }>(
      `INSERT INTO funding_sample_checks (project_id, requested_on, due_on, checklist, note, requested_by)
       VALUES (:projectId, :requestedOn, :dueOn, ARRAY[:checklist]::text[], :note, :by)
       ON CONFLICT (project_id) WHERE closed_on IS NULL DO NOTHING RETURNING id`,
      { replacements: { projectId, requestedOn: data.requestedOn, dueOn, checklist: data.checklist, note: data.note, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) throw new ConflictError('funding:error.checkOpen');
    await platform.audit.record(actor, { action: 'funding.sample-check.open', subjectType: 'funding_project', subjectId: projectId, entityId, details: { checkId: row.id, dueOn, checklist: data.checklist } }, transaction);
    return row.id;
  });
}

export async function closeSampleCheck(platform: Platform, actor: Actor, projectId: number, checkId: number): Promise<void> {
  const entityId = await assertSee(platform, actor, projectId);
  if (!isStaff(actor)) throw new ForbiddenError('funding:error.staffOnly', 'funding.sample-check.close');
  await platform.sequelize.transaction(async (transaction) => {
    const [row] = await platform.sequelize.query<{ id: number }>(
      'UPDATE funding_sample_checks SET closed_on = :today, updated_at = now() WHERE id = :checkId AND project_id = :projectId AND closed_on IS NULL RETURNING id',
      { replacements: { today: todayInRome(), checkId: checkId > 0 ? checkId : 0, projectId }, type: QueryTypes.SELECT, transaction },
    );
    if (!row) throw new NotFoundError('funding:error.notFound');
    await platform.audit.record(actor, { action: 'funding.sample-check.close', subjectType: 'funding_project', subjectId: projectId, entityId, details: { checkId } }, transaction);
  });
}
