// The upload page of the open-data import. The files a staff member sends are kept in the shared
// file store (a file not in UTF-8 is first written as UTF-8, streamed, and the report says so) and a
// job of the queue runs on them the very importer of `npm run pnrr:import` (opendata.ts), under the
// names they had on the sender's disk: a 50,000-row file takes longer than a request may last. The
// page of the import shows it queued, running, then its report.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { QueryTypes } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Message } from '../../platform/messages.js';
import type { UploadedFile } from '../../web/uploads.js';
import { importOpenData, toUtf8, type ImportReport } from './opendata.js';
import { assertCanManageCalls } from './policy.js';

export const IMPORT_JOB = 'funding.open-data-import';
export const IMPORT_MAX_FILES = 10;
/** The report page names at most this many refused rows (the count says how many there are). */
export const REPORT_MAX_PROBLEMS = 200;

type QueuedFile = { name: string; fileId: string; size: number; notes: Message[] };
export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';
export type ImportRun = { id: number; status: ImportStatus; files: QueuedFile[]; report: ImportReport | null; createdAt: Date; finishedAt: Date | null };

/** Stores the uploads and queues their import, in one transaction; returns the import's id. */
export async function queueImport(platform: Platform, actor: Actor, files: readonly UploadedFile[]): Promise<number> {
  assertCanManageCalls(actor);
  if (!files.length) throw new ValidationError({ files: 'funding:upload.chooseFile' });
  return platform.sequelize.transaction(async (transaction) => {
    const queued: QueuedFile[] = [];
    for (const f of files) {
      const utf8 = `${f.path}.utf8`;
      try {
        const note = await toUtf8(f.path, utf8);
        const stored = await platform.files.save({ path: note ? utf8 : f.path, originalName: f.originalName, uploadedBy: actor.userId }, transaction);
        queued.push({ name: stored.originalName, fileId: stored.id, size: stored.size, notes: note ? [note] : [] });
      } finally {
        await rm(utf8, { force: true });
      }
    }
    const [row] = await platform.sequelize.query<{ id: number }>('INSERT INTO funding_imports (files, created_by) VALUES (:files::jsonb, :by) RETURNING id', {
      replacements: { files: JSON.stringify(queued), by: actor.userId },
      type: QueryTypes.SELECT,
      transaction,
    });
    await platform.jobs.send(IMPORT_JOB, { importId: row.id }, { transaction });
    await platform.audit.record(actor, { action: 'funding.import.queue', subjectType: 'funding_import', subjectId: row.id, details: { files: queued.map((q) => q.name) } }, transaction);
    return row.id;
  });
}

/**
 * The job: copies the stored files to a temporary folder, imports them, keeps the report and drops
 * the stored copies. Run again (a worker killed meanwhile) it simply imports again: the importer is
 * idempotent. An import already done is left alone.
 */
export async function runImport(platform: Platform, importId: number): Promise<void> {
  const [run] = await platform.sequelize.query<{ files: QueuedFile[]; created_by: number | null }>(
    `UPDATE funding_imports SET status = 'running' WHERE id = :id AND status IN ('queued','running') RETURNING files, created_by`,
    { replacements: { id: importId }, type: QueryTypes.SELECT },
  );
  if (!run) return;
  await mkdir(path.join(platform.config.dataDir, 'tmp'), { recursive: true });
  const dir = await mkdtemp(path.join(platform.config.dataDir, 'tmp', 'funding-import-'));
  try {
    const files = [];
    for (const [i, f] of run.files.entries()) {
      const file = path.join(dir, `${i}.csv`);
      await pipeline(platform.files.stream(f.fileId, f.size), createWriteStream(file));
      files.push({ path: file, name: f.name, notes: f.notes });
    }
    const [who] = run.created_by
      ? await platform.sequelize.query<{ id: number; email: string; name: string; role: Actor['role']; entity_id: number | null }>('SELECT id, email, name, role, entity_id FROM users WHERE id = :id', { replacements: { id: run.created_by }, type: QueryTypes.SELECT })
      : [];
    const actor: Viewer = who ? { userId: who.id, email: who.email, name: who.name, role: who.role, entityId: who.entity_id, ip: null } : null;
    const report = await importOpenData(platform, files, actor);
    await platform.sequelize.transaction(async (transaction) => {
      await platform.sequelize.query(`UPDATE funding_imports SET status = 'done', report = :report::jsonb, finished_at = now() WHERE id = :id`, { replacements: { id: importId, report: JSON.stringify(report) }, transaction });
      await platform.sequelize.query('DELETE FROM stored_files WHERE id IN (:ids)', { replacements: { ids: run.files.map((f) => f.fileId) }, transaction });
    });
  } catch (err) {
    platform.log.error({ err, importId }, 'open-data import failed');
    await platform.sequelize.query(`UPDATE funding_imports SET status = 'failed', finished_at = now() WHERE id = :id`, { replacements: { id: importId } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function importRun(platform: Platform, viewer: Viewer, id: number): Promise<ImportRun> {
  assertCanManageCalls(viewer);
  const [r] = id > 0
    ? await platform.sequelize.query<{ id: number; status: ImportStatus; files: QueuedFile[]; report: ImportReport | null; created_at: Date; finished_at: Date | null }>(
        'SELECT id, status, files, report, created_at, finished_at FROM funding_imports WHERE id = :id',
        { replacements: { id }, type: QueryTypes.SELECT },
      )
    : [];
  if (!r) throw new NotFoundError('funding:error.importNotFound');
  return { id: r.id, status: r.status, files: r.files, report: r.report, createdAt: r.created_at, finishedAt: r.finished_at };
}
