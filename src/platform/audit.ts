// Append-only audit log (the table refuses UPDATE and DELETE by trigger).
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Viewer } from './actor.js';
import { hot } from './prepared.js';

export type AuditEntry = {
  action: string;
  subjectType?: string;
  subjectId?: string | number | null;
  entityId?: number | null;
  details?: Record<string, unknown>;
  /** For events without a signed-in actor (a failed login): who tried. */
  email?: string | null;
  ip?: string | null;
};

export type AuditRow = {
  id: string;
  at: Date;
  actor_user_id: number | null;
  actor_email: string | null;
  entity_id: number | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
};

export type AuditFilter = { action?: string; actor?: string; from?: Date; to?: Date; subjectType?: string };

export class AuditLog {
  constructor(private readonly sequelize: Sequelize) {}

  async record(actor: Viewer, entry: AuditEntry, transaction?: Transaction): Promise<void> {
    await this.sequelize.query(
      hot(`INSERT INTO audit_log (actor_user_id, actor_email, entity_id, action, subject_type, subject_id, ip, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`),
      {
        bind: [
          actor?.userId ?? null,
          entry.email ?? actor?.email ?? null,
          entry.entityId ?? null,
          entry.action,
          entry.subjectType ?? null,
          entry.subjectId == null ? null : String(entry.subjectId),
          entry.ip ?? actor?.ip ?? null,
          JSON.stringify(entry.details ?? {}),
        ],
        transaction,
      },
    );
  }

  private where(filter: AuditFilter): { sql: string; replacements: Record<string, unknown> } {
    const clauses: string[] = [];
    const replacements: Record<string, unknown> = {};
    if (filter.action) {
      clauses.push('action LIKE :action');
      replacements.action = `${filter.action}%`;
    }
    if (filter.actor) {
      clauses.push('lower(actor_email) LIKE :actor');
      replacements.actor = `%${filter.actor.toLowerCase()}%`;
    }
    if (filter.subjectType) {
      clauses.push('subject_type = :subjectType');
      replacements.subjectType = filter.subjectType;
    }
    if (filter.from) {
      clauses.push('at >= :from');
      replacements.from = filter.from;
    }
    if (filter.to) {
      clauses.push('at < :to');
      replacements.to = filter.to;
    }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', replacements };
  }

  async list(filter: AuditFilter, limit: number, offset: number): Promise<{ rows: AuditRow[]; total: number }> {
    const { sql, replacements } = this.where(filter);
    const [count] = await this.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log ${sql}`, {
      replacements,
      type: QueryTypes.SELECT,
    });
    const rows = await this.sequelize.query<AuditRow>(
      `SELECT * FROM audit_log ${sql} ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset`,
      { replacements: { ...replacements, limit, offset }, type: QueryTypes.SELECT },
    );
    return { rows, total: Number(count.n) };
  }

  async *stream(filter: AuditFilter, batch = 1000): AsyncGenerator<AuditRow> {
    const { sql, replacements } = this.where(filter);
    let lastId: string | null = null;
    for (;;) {
      const keyset: string = lastId ? `${sql ? `${sql} AND` : 'WHERE'} id < :lastId` : sql;
      const rows: AuditRow[] = await this.sequelize.query<AuditRow>(
        `SELECT * FROM audit_log ${keyset} ORDER BY id DESC LIMIT :batch`,
        { replacements: { ...replacements, lastId, batch }, type: QueryTypes.SELECT },
      );
      if (!rows.length) return;
      yield* rows;
      lastId = rows[rows.length - 1].id;
    }
  }
}
