import { Router } from 'express';
import { isAdmin } from '../../platform/actor.js';
import type { AuditRow } from '../../platform/audit.js';
import type { Platform } from '../../platform/context.js';
import { requireAdmin } from '../../web/http.js';
import { parsePage, paginate } from '../../web/pagination.js';
import { sendCsv } from '../../web/responders.js';
import type { AppModule } from '../../web/module.js';
import { auditFilterSchema } from './schemas.js';

async function* auditCsvRows(rows: AsyncIterable<AuditRow>): AsyncGenerator<Record<string, unknown>> {
  for await (const row of rows) yield { ...row, at: row.at.toISOString(), details: JSON.stringify(row.details) };
}

function adminRouter(platform: Platform): Router {
  const router = Router();
  router.get('/admin', requireAdmin, (_req, res) => {
    res.render('admin/index');
  });
  router.get('/admin/posta', requireAdmin, async (req, res) => {
    const messages = await platform.mail.outbox();
    const selected = typeof req.query.id === 'string' ? messages.find((m) => m.id === req.query.id) ?? null : null;
    res.render('admin/outbox', { messages, selected, smtp: !!platform.config.smtpUrl });
  });
  router.get('/admin/audit', requireAdmin, async (req, res) => {
    const filter = auditFilterSchema.parse(req.query);
    const page = parsePage(req.query as Record<string, unknown>, 50);
    const { rows, total } = await platform.audit.list(filter, page.perPage, page.offset);
    res.render('admin/audit', { rows, total, filter: req.query, pagination: paginate(total, page, '/admin/audit', req.query as Record<string, unknown>) });
  });
  router.get('/admin/audit.csv', requireAdmin, async (req, res) => {
    const filter = auditFilterSchema.parse(req.query);
    await sendCsv(platform, res, {
      filename: 'registro-attivita.csv',
      columns: ['id', 'at', 'actor_email', 'action', 'subject_type', 'subject_id', 'entity_id', 'ip', 'details'],
      rows: auditCsvRows(platform.audit.stream(filter)),
    });
  });
  return router;
}

export const adminModule: AppModule = {
  name: 'admin',
  router: adminRouter,
  nav: [{ labelKey: 'nav.admin', href: '/admin', order: 90, visible: (v) => isAdmin(v) }],
};
