// The hours ledger toward the 40-hour objective (directive of 14 January 2025): per person and year,
// the hours of valid CIT certificates (the year of their last day) plus external hours recorded with
// their certificate; per body, its employees with their hours and who is below target; for staff,
// the totals per body.
import { QueryTypes } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { parseInput } from '../../platform/validation.js';
import { findBody } from '../entities/index.js';
import { findPerson } from '../accounts/index.js';
import { canRecordExternalHours, canSeeBodyLedger } from './policy.js';
import { externalSchema } from './schemas.js';

export const YEARLY_TARGET_HOURS = 40;

export function parseYear(value: unknown, now = new Date()): number {
  const current = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Europe/Rome' }).format(now));
  const n = typeof value === 'string' && /^\d{4}$/.test(value) ? Number(value) : current;
  return n >= 2000 && n <= current + 1 ? n : current;
}

export type LedgerLine = { kind: 'certificate' | 'external'; id: number; title: string; day: string; hours: number; code: string | null; fileId: string | null; provider: string | null };

export async function personLedger(platform: Platform, userId: number, year: number) {
  const lines = await platform.sequelize.query<{ kind: 'certificate' | 'external'; id: number; title: string; day: string; hours: string; code: string | null; file_id: string | null; provider: string | null }>(
    `SELECT 'certificate' AS kind, id, title, to_char(last_day, 'YYYY-MM-DD') AS day, hours, code, NULL AS file_id, NULL AS provider FROM training_certificates
      WHERE user_id = :userId AND revoked_at IS NULL AND extract(year FROM last_day) = :year
     UNION ALL
     SELECT 'external', id, title, to_char(completed_on, 'YYYY-MM-DD'), hours, NULL, file_id::text, provider FROM training_external_hours
      WHERE user_id = :userId AND extract(year FROM completed_on) = :year
     ORDER BY day, kind, id`,
    { replacements: { userId, year }, type: QueryTypes.SELECT },
  );
  const items: LedgerLine[] = lines.map((l) => ({ kind: l.kind, id: l.id, title: l.title, day: l.day, hours: Number(l.hours), code: l.code, fileId: l.file_id, provider: l.provider }));
  const total = Math.round(items.reduce((a, l) => a + l.hours, 0) * 100) / 100;
  return { year, items, total, target: YEARLY_TARGET_HOURS, missing: Math.max(0, Math.round((YEARLY_TARGET_HOURS - total) * 100) / 100) };
}

export type BodyLedgerRow = { userId: number; name: string; email: string; role: string; certified: number; external: number; total: number; below: boolean };

async function bodyRows(platform: Platform, entityId: number, year: number): Promise<BodyLedgerRow[]> {
  const rows = await platform.sequelize.query<{ id: number; name: string; email: string; role: string; certified: string; external: string }>(
    `SELECT u.id, u.name, u.email, u.role,
            COALESCE((SELECT sum(c.hours) FROM training_certificates c WHERE c.user_id = u.id AND c.revoked_at IS NULL AND extract(year FROM c.last_day) = :year), 0) AS certified,
            COALESCE((SELECT sum(x.hours) FROM training_external_hours x WHERE x.user_id = u.id AND extract(year FROM x.completed_on) = :year), 0) AS external
       FROM users u WHERE u.entity_id = :entityId AND u.status = 'active' AND u.role IN ('member','rtd','referent')
      ORDER BY u.name, u.id`,
    { replacements: { entityId, year }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => {
    const total = Math.round((Number(r.certified) + Number(r.external)) * 100) / 100;
    return { userId: r.id, name: r.name, email: r.email, role: r.role, certified: Number(r.certified), external: Number(r.external), total, below: total < YEARLY_TARGET_HOURS };
  });
}

export async function bodyLedger(platform: Platform, viewer: Viewer, entityId: number, year: number) {
  const body = entityId > 0 ? await findBody(entityId) : null;
  if (!body || !canSeeBodyLedger(viewer, entityId)) throw new NotFoundError('training:error.notFound', body ? 'training.ledger.body' : undefined);
  const rows = await bodyRows(platform, entityId, year);
  return { body: { id: body.id, name: body.name }, year, rows, below: rows.filter((r) => r.below).length, target: YEARLY_TARGET_HOURS, canRecord: canRecordExternalHours(viewer, entityId) };
}

/** The staff's table: per body, employees, hours and how many are below target. */
export async function bodiesTotals(platform: Platform, year: number) {
  const rows = await platform.sequelize.query<{ id: number; name: string; people: string; hours: string; below: string }>(
    `WITH per AS (
       SELECT u.entity_id, u.id,
              COALESCE((SELECT sum(c.hours) FROM training_certificates c WHERE c.user_id = u.id AND c.revoked_at IS NULL AND extract(year FROM c.last_day) = :year), 0)
            + COALESCE((SELECT sum(x.hours) FROM training_external_hours x WHERE x.user_id = u.id AND extract(year FROM x.completed_on) = :year), 0) AS hours
         FROM users u WHERE u.status = 'active' AND u.role IN ('member','rtd','referent') AND u.entity_id IS NOT NULL)
     SELECT e.id, e.name, count(per.id) AS people, COALESCE(sum(per.hours), 0) AS hours, count(*) FILTER (WHERE per.hours < :target) AS below
       FROM per JOIN entities e ON e.id = per.entity_id GROUP BY e.id, e.name ORDER BY e.name`,
    { replacements: { year, target: YEARLY_TARGET_HOURS }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: r.id, name: r.name, people: Number(r.people), hours: Number(r.hours), below: Number(r.below) }));
}

/** External hours a body's referent (or staff) records for a colleague, with the certificate attached. */
/** Staff and the body's leads record external hours; for anyone else the body's page does not exist. */
export function assertCanRecordExternalHours(viewer: Viewer, entityId: number): void {
  if (!canRecordExternalHours(viewer, entityId)) throw new NotFoundError('training:error.notFound', 'training.external.record');
}

export async function recordExternalHours(platform: Platform, actor: Actor, entityId: number, input: unknown, file: FileSource | null): Promise<number> {
  assertCanRecordExternalHours(actor, entityId);
  const data = parseInput(externalSchema, input);
  const person = await findPerson(data.userId);
  if (!person || person.entityId !== entityId) throw new ValidationError({ userId: 'training:error.chooseColleague' });
  if (!file) throw new ValidationError({ certificate: 'training:error.certificateFileRequired' });
  return platform.sequelize.transaction(async (transaction) => {
    const stored = await platform.files.save({ ...file, uploadedBy: actor.userId }, transaction);
    const [row] = await platform.sequelize.query<{ id: number }>(
      `INSERT INTO training_external_hours (user_id, entity_id, title, provider, completed_on, hours, file_id, recorded_by) VALUES (:userId, :entityId, :title, :provider, :completedOn, :hours, :fileId, :by) RETURNING id`,
      { replacements: { userId: person.id, entityId, title: data.title, provider: data.provider ?? '', completedOn: data.completedOn, hours: data.hours, fileId: stored.id, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    await platform.audit.record(actor, { action: 'training.external.create', subjectType: 'training_external_hours', subjectId: row.id, entityId, details: { userId: person.id, hours: data.hours } }, transaction);
    return row.id;
  });
}

/** The attached certificate of external hours: the person, their body's lead, staff. */
export async function externalFile(platform: Platform, viewer: Viewer, id: number): Promise<string> {
  const [row] = id > 0 ? await platform.sequelize.query<{ user_id: number; entity_id: number; file_id: string | null }>(`SELECT user_id, entity_id, file_id FROM training_external_hours WHERE id = :id`, { replacements: { id }, type: QueryTypes.SELECT }) : [];
  if (!row || !row.file_id || !viewer || (row.user_id !== viewer.userId && !canSeeBodyLedger(viewer, row.entity_id))) throw new NotFoundError('training:error.notFound', row ? 'training.external.file' : undefined);
  return row.file_id;
}

export { bodyRows };
