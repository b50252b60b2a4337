// The centre's comments on a comune's own dossier: one thread per document and per phase. Staff
// write and edit them (they are the centre's word); the comune's users read them; nobody else sees them.
import { QueryTypes } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { recordEvent } from './history.js';
import { TenderComment, TenderDocument } from './models.js';
import { canSeeComments, canWriteComments } from './policy.js';
import type { Phase } from './procurement.js';
import { commentEditSchema, commentSchema } from './schemas.js';
import { loadDossier } from './service.js';

export type CommentView = { id: number; documentId: number | null; phase: Phase | null; body: string; authorName: string | null; createdAt: Date; updatedAt: Date; edited: boolean };

/** The comments of a dossier the viewer may read (none for anyone but staff and the comune). */
export async function commentsOf(platform: Platform, viewer: Viewer, dossierId: number, access: Parameters<typeof canSeeComments>[1]): Promise<CommentView[]> {
  if (!canSeeComments(viewer, access)) return [];
  const rows = await platform.sequelize.query<{ id: number; document_id: number | null; phase: Phase | null; body: string; author: string | null; created_at: Date; updated_at: Date }>(
    `SELECT c.id, c.document_id, c.phase, c.body, COALESCE(NULLIF(u.name, ''), u.email) AS author, c.created_at, c.updated_at
       FROM tender_comments c LEFT JOIN users u ON u.id = c.author_user_id
      WHERE c.dossier_id = :dossierId ORDER BY c.created_at, c.id`,
    { replacements: { dossierId }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ id: r.id, documentId: r.document_id, phase: r.phase, body: r.body, authorName: r.author, createdAt: r.created_at, updatedAt: r.updated_at, edited: r.updated_at.getTime() - r.created_at.getTime() > 1000 }));
}

/** 404 for whoever may not see the dossier or its comments; 403 for the comune's users, who read but do not write them. */
async function loadForComment(actor: Actor, dossierId: number, transaction?: import('sequelize').Transaction) {
  const loaded = await loadDossier(actor, dossierId, transaction);
  if (!canSeeComments(actor, loaded.access)) {
    if (loaded.dossier.contractingEntityId === null) throw new ConflictError('tenders:error.commentsOwnOnly');
    throw new NotFoundError('tenders:error.dossierNotFound');
  }
  if (!canWriteComments(actor)) throw new ForbiddenError('tenders:error.commentStaffOnly', 'tenders.comment');
  return loaded;
}

export async function addComment(platform: Platform, actor: Actor, dossierId: number, input: unknown): Promise<TenderComment> {
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier } = await loadForComment(actor, dossierId, transaction);
    const data = parseInput(commentSchema, input);
    let documentTitle: string | null = null;
    if (data.documentId !== null) {
      const doc = await TenderDocument.findOne({ where: { id: data.documentId, dossierId: dossier.id }, transaction });
      if (!doc) throw new ValidationError({ body: 'tenders:error.documentNotFound' });
      documentTitle = doc.title;
    }
    const c = await TenderComment.create({ dossierId: dossier.id, documentId: data.documentId, phase: data.phase as Phase | null, body: data.body, authorUserId: actor.userId }, { transaction });
    await recordEvent(
      platform,
      actor,
      dossier.id,
      {
        kind: 'comment-added',
        summary: documentTitle !== null ? msg('tenders:event.commentOnDocument', { title: documentTitle }) : msg('tenders:event.commentOnPhase', { phase: msg(`tenders:phase.${data.phase}`) }),
        details: { commentId: c.id },
        entityId: dossier.contractingEntityId,
      },
      transaction,
    );
    return c;
  });
}

export async function commentForEdit(actor: Actor, dossierId: number, commentId: number) {
  const { dossier } = await loadForComment(actor, dossierId);
  const comment = await TenderComment.findOne({ where: { id: commentId, dossierId: dossier.id } });
  if (!comment) throw new NotFoundError('tenders:error.commentNotFound');
  return { dossier, comment };
}

export async function updateComment(platform: Platform, actor: Actor, dossierId: number, commentId: number, input: unknown): Promise<TenderComment> {
  return platform.sequelize.transaction(async (transaction) => {
    const { dossier } = await loadForComment(actor, dossierId, transaction);
    const comment = await TenderComment.findOne({ where: { id: commentId, dossierId: dossier.id }, transaction, lock: transaction.LOCK.UPDATE });
    if (!comment) throw new NotFoundError('tenders:error.commentNotFound');
    const data = parseInput(commentEditSchema, input);
    if (data.body === comment.body) return comment;
    await comment.update({ body: data.body }, { transaction });
    await recordEvent(platform, actor, dossier.id, { kind: 'comment-updated', summary: msg('tenders:event.commentUpdated'), details: { commentId: comment.id }, entityId: dossier.contractingEntityId }, transaction);
    return comment;
  });
}
