// The dossier history: every change is a row of tender_events (shown to staff on the dossier page)
// and an audit record, written in the transaction of the change; the dossier's updated_at moves
// with it, so the OCDS release date is the date of the last change.
import type { Transaction } from 'sequelize';
import type { Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import type { Message } from '../../platform/messages.js';
import { TenderEvent } from './models.js';

export type EventInput = {
  kind: string;
  /** A Message (msg()): the history shows it in the reader's language. */
  summary: Message;
  details?: Record<string, unknown>;
  /** The body the change concerns, for the audit log. */
  entityId?: number | null;
};

export async function recordEvent(
  platform: Platform,
  actor: Actor | null,
  dossierId: number,
  event: EventInput,
  transaction: Transaction,
): Promise<void> {
  await TenderEvent.create(
    {
      dossierId,
      actorUserId: actor?.userId ?? null,
      // No actor: a scheduled job (the page names it "System" in the reader's language).
      actorName: actor ? actor.name || actor.email : null,
      kind: event.kind,
      summary: event.summary,
      details: event.details ?? {},
    },
    { transaction },
  );
  await platform.audit.record(
    actor,
    {
      action: `tenders.${event.kind}`,
      subjectType: 'tender_dossier',
      subjectId: dossierId,
      entityId: event.entityId ?? null,
      details: { summary: event.summary, ...(event.details ?? {}) },
    },
    transaction,
  );
  await platform.sequelize.query('UPDATE tender_dossiers SET updated_at = now() WHERE id = :dossierId', {
    replacements: { dossierId },
    transaction,
  });
}
