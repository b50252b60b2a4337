// Session materials: files (through the project's uploads and file store: type from content against
// the allow-list, size limit while reading) and links (slides, the recording afterwards), added by
// staff or the session's speaker; seen and downloaded only by people with a confirmed seat, the
// speaker and staff (anyone else: 404).
import { QueryTypes } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { parseInput } from '../../platform/validation.js';
import { canSeeSessionPrivate, canTakeAttendance } from './policy.js';
import { materialSchema } from './schemas.js';
import { getSession } from './service.js';

export type Material = { id: number; sessionId: number; kind: 'slides' | 'recording' | 'link' | 'file'; title: string; url: string | null; fileId: string | null };

type Row = { id: number; session_id: number; kind: Material['kind']; title: string; url: string | null; file_id: string | null };
const materialOf = (r: Row): Material => ({ id: r.id, sessionId: r.session_id, kind: r.kind, title: r.title, url: r.url, fileId: r.file_id });

/** Who adds and removes materials: staff and the session's speaker (as for the attendance register). */
export const canManageMaterials = (viewer: Viewer, speakerUserId: number | null): boolean => canTakeAttendance(viewer, speakerUserId);

async function confirmedSeat(platform: Platform, viewer: Viewer, sessionId: number): Promise<boolean> {
  if (!viewer) return false;
  const [row] = await platform.sequelize.query(`SELECT 1 FROM training_registrations WHERE session_id = :sessionId AND user_id = :userId AND state = 'confirmed'`, {
    replacements: { sessionId, userId: viewer.userId },
    type: QueryTypes.SELECT,
  });
  return !!row;
}

export async function materialsOf(platform: Platform, sessionId: number): Promise<Material[]> {
  const rows = await platform.sequelize.query<Row>(`SELECT id, session_id, kind, title, url, file_id FROM training_materials WHERE session_id = :sessionId ORDER BY id`, { replacements: { sessionId }, type: QueryTypes.SELECT });
  return rows.map(materialOf);
}

/** Adds a link or a file (exactly one of the two) to a session. */
export async function addMaterial(platform: Platform, actor: Actor, sessionId: number, input: unknown, file: FileSource | null): Promise<Material> {
  const { session } = await getSession(platform, actor, sessionId);
  if (!canManageMaterials(actor, session.speakerUserId)) throw new NotFoundError('training:error.notFound', 'training.material.add');
  const data = parseInput(materialSchema, input);
  if (!data.url && !file) throw new ValidationError({ file: 'training:error.materialNeedsOne', url: 'training:error.materialNeedsOne' });
  if (data.url && file) throw new ValidationError({ url: 'training:error.materialNotBoth' });
  return platform.sequelize.transaction(async (transaction) => {
    const stored = file ? await platform.files.save({ ...file, uploadedBy: actor.userId }, transaction) : null;
    const [row] = await platform.sequelize.query<Row>(
      `INSERT INTO training_materials (session_id, kind, title, url, file_id, created_by) VALUES (:sessionId, :kind, :title, :url, :fileId, :by) RETURNING id, session_id, kind, title, url, file_id`,
      { replacements: { sessionId: session.id, kind: data.kind, title: data.title, url: data.url, fileId: stored?.id ?? null, by: actor.userId }, type: QueryTypes.SELECT, transaction },
    );
    await platform.audit.record(actor, { action: 'training.material.add', subjectType: 'training_material', subjectId: row.id, details: { sessionId: session.id, kind: data.kind, title: data.title } }, transaction);
    return materialOf(row);
  });
}

async function findMaterial(platform: Platform, viewer: Viewer, id: number): Promise<{ material: Material; speakerUserId: number | null }> {
  const [row] = id > 0 ? await platform.sequelize.query<Row>(`SELECT id, session_id, kind, title, url, file_id FROM training_materials WHERE id = :id`, { replacements: { id }, type: QueryTypes.SELECT }) : [];
  if (!row) throw new NotFoundError('training:error.notFound');
  // The session as the viewer may see it (a draft cycle's: staff only).
  const { session } = await getSession(platform, viewer, row.session_id);
  return { material: materialOf(row), speakerUserId: session.speakerUserId };
}

/** The stored file of a material, for those who may see the session's materials. */
export async function materialFile(platform: Platform, viewer: Viewer, id: number): Promise<{ fileId: string; title: string }> {
  const { material, speakerUserId } = await findMaterial(platform, viewer, id);
  const allowed = canSeeSessionPrivate(viewer, speakerUserId, await confirmedSeat(platform, viewer, material.sessionId));
  if (!allowed || !material.fileId) throw new NotFoundError('training:error.notFound', allowed ? undefined : 'training.material.file');
  return { fileId: material.fileId, title: material.title };
}

export async function removeMaterial(platform: Platform, actor: Actor, id: number): Promise<{ sessionId: number }> {
  const { material, speakerUserId } = await findMaterial(platform, actor, id);
  if (!canManageMaterials(actor, speakerUserId)) throw new NotFoundError('training:error.notFound', 'training.material.remove');
  await platform.sequelize.transaction(async (transaction) => {
    await platform.sequelize.query(`DELETE FROM training_materials WHERE id = :id`, { replacements: { id }, transaction });
    await platform.audit.record(actor, { action: 'training.material.remove', subjectType: 'training_material', subjectId: id, details: { sessionId: material.sessionId, title: material.title } }, transaction);
  });
  return { sessionId: material.sessionId };
}
