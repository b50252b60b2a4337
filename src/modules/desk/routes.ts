import { Router, type Request, type Response } from 'express';
import type { Sequelize } from 'sequelize';
import { isStaff, type Actor } from '../../platform/actor.js';
import { DataCache } from '../../platform/cache.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, messageTranslatorOf, refusalMessages, requireAdmin, requireLogin, requireStaff, viewerOf } from '../../web/http.js';
import { parsePage, paginate } from '../../web/pagination.js';
import { sendCsv, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, permitUpload, uploadedFiles, uploadLimit } from '../../web/uploads.js';
import { usersOfBody } from '../accounts/index.js';
import { bodyFilterText, bodyOptions, findBody } from '../entities/index.js';
import {
  addLocalHoliday,
  calendarSetting,
  deskSettingsValues,
  deskSettingsView,
  removeLocalHoliday,
  saveCalendarHours,
  saveDeskSettingsForm,
  upcomingHolidays,
} from './admin.js';
import { deskConfig } from './config.js';
import type { KbArticle } from './models.js';
import { assignQuarantined, discardQuarantined, getQuarantineItem, listQuarantine, pendingQuarantineCount } from './inbound.js';
import { createArticle, draftFromRequest, getArticle, listArticles, suggestArticles, updateArticle } from './knowledge.js';
import { canOpenRequests, assertCanOpenRequestFor } from './policy.js';
import { CSV_COLUMNS, exportRows, listRequests, type Words } from './queries.js';
import { csvRecord, fullReport, isReportTable, parseReportFilter, REPORT_CSV_COLUMNS, reportTable, rowLabel } from './reports.js';
import { AFTER_REPLY, ARTICLE_STATUSES, QUEUE_SORTS, WEEKDAYS } from './schemas.js';
import {
  assignableStaff,
  assignRequest,
  bulkAssign,
  changeState,
  checkRequestDraft,
  classifyRequest,
  createRequest,
  findAttachment,
  assertRequestVisible,
  getRequestView,
  MAX_FILES,
  postMessage,
  recordRequest,
  resolveAsset,
} from './service.js';
import { REQUEST_CATEGORIES, REQUEST_CHANNELS, REQUEST_PRIORITIES, REQUEST_STATES } from './states.js';
import { answerSurvey, checkSurveyToken } from './survey.js';

// Pages get the codes; their names are locale keys (desk:state.<code>…), printed with t() in the views.
// Page titles and every text are worded by the views, in the reader's language.
export const labels = {
  states: REQUEST_STATES,
  categories: REQUEST_CATEGORIES,
  priorities: REQUEST_PRIORITIES,
};

/** Keys translated in the language of this response (for CSV cells and prefilled text). */
const wordsOf = (res: Response): Words => messageTranslatorOf(res);
const langOf = (res: Response): string => String(res.locals.lang ?? 'it');

/** A refused staff action: each problem becomes a flash message (they are Messages, translated when shown). */
function flashRefusal(req: Request, err: ValidationError | ConflictError): void {
  for (const m of refusalMessages(err) ?? [err.message]) flash(req, 'danger', m);
}
const deskAssets = { styles: ['/static/app/css/desk.css'], scripts: ['/static/app/js/desk.js'] };

function safeBack(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/richieste(\?|$)/.test(value) ? value : fallback;
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome' }).format(new Date());

// Keyed on the bodies' version, so a new or renamed body is in the record form's list at once in every process.
const entityCache = new DataCache<Array<{ id: number; name: string }>>({ name: 'desk-entity-options', tables: ['entities'], max: 1, ttlMs: 10 * 60_000 });
/** Bodies for the form that records a request taken by phone or at the counter. */
function entityOptions(sequelize: Sequelize): Promise<Array<{ id: number; name: string }>> {
  return entityCache.fetch(sequelize, 'all', () => bodyOptions());
}

async function suggestionsFor(platform: Platform, body: Record<string, unknown>) {
  const text = [body.subject, body.description].filter((v) => typeof v === 'string').join(' ');
  return suggestArticles(platform, text, 5);
}

export function deskRouter(platform: Platform): Router {
  const router = Router();
  const upload = acceptUploads(platform, { field: 'attachments', maxFiles: MAX_FILES });
  const uploadLimits = { maxFiles: MAX_FILES, maxMb: Math.round(uploadLimit(platform.config) / (1024 * 1024)) };

  // ---- lists ----
  router.get('/richieste', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const page = parsePage(req.query as Record<string, unknown>, 20);
    const result = await listRequests(platform, viewer, req.query, page);
    const pagination = paginate(result.total, page, '/richieste', req.query as Record<string, unknown>, { more: result.more });
    const exportQuery = new URLSearchParams(Object.entries(req.query as Record<string, unknown>).filter(([k, v]) => k !== 'page' && typeof v === 'string' && v !== '') as Array<[string, string]>).toString();
    const common = { ...labels, ...result, pagination, exportHref: `/richieste/export.csv${exportQuery ? `?${exportQuery}` : ''}`, ...deskAssets };
    if (isStaff(viewer)) {
      const { entityName, entity } = result.filter;
      const [staffOptions, bodyText, quarantined] = await Promise.all([assignableStaff(), bodyFilterText(entityName, entity), pendingQuarantineCount(platform)]);
      return res.render('desk/queue', { ...common, staffOptions, bodyText, quarantined, sorts: QUEUE_SORTS, back: req.originalUrl });
    }
    const entity = result.rows[0] ? { id: result.rows[0].entityId, name: result.rows[0].entityName } : await findBody(viewer.entityId);
    res.render('desk/list', { ...common, entity, canOpen: canOpenRequests(viewer) });
  });

  router.get('/richieste/export.csv', requireLogin, async (req, res) => {
    await sendCsv(platform, res, { filename: `richieste-${today()}.csv`, columns: CSV_COLUMNS, rows: exportRows(platform, actorOf(req), req.query, wordsOf(res)) });
  });

  // ---- new request: step 1 (what), step 2 (check suggestions, attach files, send) ----
  const newLocals = (extra: Record<string, unknown> = {}) => ({ ...labels, asset: null, assetError: null, ...deskAssets, ...extra });
  router.get('/richieste/nuova', requireLogin, async (req, res) => {
    assertCanOpenRequestFor(actorOf(req), null);
    const values: Record<string, unknown> = { priority: 'normal' };
    // Another page may open the form on a category and a subject (e.g. a tender dossier asking for an aggregated procedure).
    if (typeof req.query.categoria === 'string' && (REQUEST_CATEGORIES as readonly string[]).includes(req.query.categoria)) values.category = req.query.categoria;
    if (typeof req.query.oggetto === 'string' && req.query.oggetto.trim()) values.subject = req.query.oggetto.trim().slice(0, 200);
    let asset = null;
    let assetError: string | null = null;
    if (typeof req.query.asset === 'string' && req.query.asset) {
      try {
        asset = await resolveAsset(req.query.asset.slice(0, 200));
        Object.assign(values, { category: 'reuse', asset: asset!.slug, subject: wordsOf(res)(msg('desk:new.reuseSubject', { name: asset!.name })).slice(0, 200) });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        assetError = err.fields.asset ?? err.message;
      }
    }
    res.render('desk/new', newLocals({ values, asset, assetError }));
  });

  router.post('/richieste/nuova', requireLogin, async (req, res) => {
    const actor = actorOf(req);
    await formAction(req, res, 'desk/new', newLocals(), async () => {
      const { asset } = await checkRequestDraft(platform, actor, req.body);
      res.render('desk/confirm', { ...newLocals(), asset, suggestions: await suggestionsFor(platform, req.body), values: req.body, ...uploadLimits });
    });
  });

  // The permission is checked before the body is read.
  const canOpen = permitUpload((req) => assertCanOpenRequestFor(actorOf(req), null));
  router.post('/richieste', requireLogin, canOpen, upload, async (req, res) => {
    const actor = actorOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const locals = async () => {
      const asset = typeof body.asset === 'string' && body.asset ? await resolveAsset(body.asset).catch(() => null) : null;
      return { ...newLocals(), asset, suggestions: await suggestionsFor(platform, body), ...uploadLimits };
    };
    await formAction(req, res, 'desk/confirm', locals, async () => {
      const request = await createRequest(platform, actor, body, uploadedFiles(req));
      flash(req, 'success', msg('desk:flash.created', { id: request.id }));
      res.redirect(`/richieste/${request.id}`);
    });
  });

  // ---- a request taken by phone, e-mail, at the counter or in a meeting (staff, for a body) ----
  const recordLocals = async (entityId: number | null, extra: Record<string, unknown> = {}) => {
    const body = entityId ? await findBody(entityId) : null;
    const [bodies, people] = await Promise.all([entityOptions(platform.sequelize), body ? usersOfBody(body.id, { activeOnly: true, bodyRolesOnly: true }) : Promise.resolve([])]);
    return { ...labels, channels: REQUEST_CHANNELS.filter((c) => c !== 'portale'), bodies, body, people, asset: null, ...uploadLimits, ...deskAssets, ...extra };
  };
  router.get('/richieste/registra', requireStaff, async (req, res) => {
    const entityId = typeof req.query.ente === 'string' && /^\d{1,9}$/.test(req.query.ente) ? Number(req.query.ente) : null;
    const locals = await recordLocals(entityId);
    const errors = entityId && !locals.body ? { ente: msg('desk:error.entityMissing') } : {};
    res.status(Object.keys(errors).length ? 422 : 200).render('desk/record', { ...locals, errors, values: { channel: 'telefono', priority: 'normal', ente: req.query.ente ?? '' } });
  });
  router.post('/richieste/registra', requireStaff, upload, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const entityId = typeof body.entityId === 'string' && /^\d{1,9}$/.test(body.entityId) ? Number(body.entityId) : null;
    await formAction(req, res, 'desk/record', await recordLocals(entityId), async () => {
      const request = await recordRequest(platform, actorOf(req), body, uploadedFiles(req));
      flash(req, 'success', msg('desk:flash.recorded', { id: request.id, channel: `desk:channel.${request.channel}` }));
      res.redirect(`/richieste/${request.id}`);
    });
  });

  // ---- mail in quarantine (staff): messages of the desk's mailbox to assign to a body or discard ----
  router.get('/richieste/posta', requireStaff, async (req, res) => {
    const page = parsePage(req.query);
    const { rows, total } = await listQuarantine(platform, actorOf(req), { limit: page.perPage, offset: page.offset });
    res.render('desk/mail-quarantine', { rows, pagination: paginate(total, page, '/richieste/posta', req.query), mailboxOn: !!platform.config.deskImap, ...deskAssets });
  });
  const mailLocals = async (req: Request, entityId: number | null) => {
    const item = await getQuarantineItem(platform, actorOf(req), idParam(req.params.id));
    return { ...(await recordLocals(entityId ?? item.requesterEntityId)), mailItem: item, recordAction: `/richieste/posta/${item.id}` };
  };
  router.get('/richieste/posta/:id', requireStaff, async (req, res) => {
    const entityId = typeof req.query.ente === 'string' && /^\d{1,9}$/.test(req.query.ente) ? Number(req.query.ente) : null;
    const locals = await mailLocals(req, entityId);
    const item = locals.mailItem;
    const values = {
      priority: 'normal',
      subject: item.subject.slice(0, 200),
      description: item.text,
      requesterId: locals.body && locals.body.id === item.requesterEntityId ? String(item.requesterId) : '',
      contactName: item.requesterId ? '' : item.senderName,
      contactEmail: item.requesterId ? '' : item.sender,
    };
    res.render('desk/record', { ...locals, errors: {}, values });
  });
  router.post('/richieste/posta/:id', requireStaff, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const entityId = typeof body.entityId === 'string' && /^\d{1,9}$/.test(body.entityId) ? Number(body.entityId) : null;
    const locals = await mailLocals(req, entityId);
    await formAction(req, res, 'desk/record', locals, async () => {
      const request = await assignQuarantined(platform, actorOf(req), locals.mailItem.id, body);
      flash(req, 'success', msg('desk:inbound.flash.assigned', { id: request.id }));
      res.redirect(`/richieste/${request.id}`);
    });
  });
  router.post('/richieste/posta/:id/scarta', requireStaff, async (req, res) => {
    try {
      await discardQuarantined(platform, actorOf(req), idParam(req.params.id));
      flash(req, 'success', msg('desk:inbound.flash.discarded'));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flashRefusal(req, err);
    }
    res.redirect('/richieste/posta');
  });

  // ---- reports ----
  router.get('/richieste/report', requireStaff, async (req, res) => {
    const { filter, errors } = parseReportFilter(req.query);
    const report = await fullReport(platform, filter);
    const qs = new URLSearchParams({ from: filter.from, to: filter.to, ...(filter.category ? { category: filter.category } : {}) }).toString();
    res.status(Object.keys(errors).length ? 422 : 200).render('desk/report', { ...labels, ...report, rowLabel, filter, errors, values: req.query, qs, ...deskAssets });
  });

  router.get('/richieste/report.csv', requireStaff, async (req, res) => {
    const table = req.query.table;
    if (!isReportTable(table)) throw new NotFoundError(msg('desk:error.reportTableNotFound'));
    const { filter } = parseReportFilter(req.query);
    const rows = await reportTable(platform, table, filter);
    await sendCsv(platform, res, {
      filename: `report-richieste-${table}-${filter.from}-${filter.to}.csv`,
      columns: [table, ...REPORT_CSV_COLUMNS],
      rows: rows.map((r) => csvRecord(table, r, wordsOf(res), langOf(res))),
    });
  });

  // ---- bulk assignment (staff queue) ----
  router.post('/richieste/assegna', requireStaff, async (req, res) => {
    const back = safeBack(req.body?.back, '/richieste');
    try {
      const { assigned, skipped, assignee } = await bulkAssign(platform, actorOf(req), req.body);
      flash(req, 'success', msg('desk:flash.bulkAssigned', { count: assigned, name: assignee.name || assignee.email, skipped: skipped ? msg('desk:flash.bulkSkipped', { count: skipped }) : '' }));
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) throw err;
      flashRefusal(req, err);
    }
    res.redirect(back);
  });

  // ---- one request ----
  const showLocals = async (actor: Actor | null, id: number) => ({ ...labels, ...(await getRequestView(platform, actor, id)), afterReply: AFTER_REPLY, ...uploadLimits, ...deskAssets });

  router.get('/richieste/:id', requireLogin, async (req, res) => {
    const view = await showLocals(viewerOf(req), idParam(req.params.id));
    // "Chiedi informazioni" opens the reply form set to wait for the requester: a pause of the SLA always carries the question.
    const asking = req.query.chiedi === '1' && view.staff && view.transitions.some((tr) => tr.action === 'ask_requester');
    res.render('desk/show', asking ? { ...view, asking, values: { then: 'waiting' } } : view);
  });

  const canSee = permitUpload((req) => assertRequestVisible(actorOf(req), idParam(req.params.id)));
  router.post('/richieste/:id/messaggi', requireLogin, canSee, upload, async (req, res) => {
    const actor = actorOf(req);
    const id = idParam(req.params.id);
    await formAction(req, res, 'desk/show', () => showLocals(actor, id), async () => {
      const { message } = await postMessage(platform, actor, id, req.body, uploadedFiles(req));
      flash(req, 'success', msg(message.internal ? 'desk:flash.noteAdded' : 'desk:flash.replied'));
      res.redirect(`/richieste/${id}#messaggio-${message.id}`);
    });
  });

  const staffAction = (path: string, run: (actor: Actor, id: number, body: unknown) => Promise<Message>) =>
    router.post(path, requireLogin, async (req, res) => {
      const id = idParam(req.params.id);
      try {
        flash(req, 'success', await run(actorOf(req), id, req.body));
      } catch (err) {
        if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) throw err;
        flashRefusal(req, err);
      }
      res.redirect(`/richieste/${id}`);
    });
  staffAction('/richieste/:id/stato', async (actor, id, body) => msg('desk:flash.stateChanged', { state: `desk:state.${(await changeState(platform, actor, id, body)).state}` }));
  staffAction('/richieste/:id/assegna', async (actor, id, body) => {
    await assignRequest(platform, actor, id, body);
    return msg('desk:flash.assigned');
  });
  staffAction('/richieste/:id/classifica', async (actor, id, body) => {
    await classifyRequest(platform, actor, id, body);
    return msg('desk:flash.classified');
  });

  router.get('/richieste/:id/allegati/:attachmentId', requireLogin, async (req, res) => {
    const meta = await findAttachment(platform, viewerOf(req), idParam(req.params.id), idParam(req.params.attachmentId));
    await sendStoredFile(platform, res, meta);
  });

  // ---- satisfaction survey (no login) ----
  router.get('/sondaggio/:token', async (req, res) => {
    const check = await checkSurveyToken(platform, req.params.token);
    if (!check.ok) return res.status(check.status).render('desk/survey-closed', { message: check.message, reason: check.reason });
    const vote = typeof req.query.voto === 'string' && /^[1-5]$/.test(req.query.voto) ? req.query.voto : '';
    res.render('desk/survey', { request: check.request, token: req.params.token, values: { rating: vote }, ...deskAssets });
  });

  router.post('/sondaggio/:token', async (req, res) => {
    const check = await checkSurveyToken(platform, req.params.token);
    if (!check.ok) return res.status(check.status).render('desk/survey-closed', { message: check.message, reason: check.reason });
    await formAction(req, res, 'desk/survey', { request: check.request, token: req.params.token, ...deskAssets }, async () => {
      const result = await answerSurvey(platform, req.params.token, req.body, req.ip ?? null);
      if (!result.ok) return void res.status(result.status).render('desk/survey-closed', { message: result.message, reason: result.reason });
      res.render('desk/survey-thanks', { request: check.request });
    });
  });

  return router;
}

export function knowledgeRouter(platform: Platform): Router {
  const router = Router();
  const kbLocals = { ...labels, statuses: ARTICLE_STATUSES, ...deskAssets };

  router.get('/conoscenza', async (req, res) => {
    const viewer = viewerOf(req);
    const page = parsePage(req.query as Record<string, unknown>, 10);
    const result = await listArticles(platform, viewer, req.query, page);
    res.render('desk/kb-list', { ...kbLocals, canOpen: canOpenRequests(viewerOf(req)), ...result, pagination: paginate(result.total, page, '/conoscenza', req.query as Record<string, unknown>) });
  });

  router.get('/conoscenza/suggerimenti.json', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 300) : '';
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json({ articles: await suggestArticles(platform, q, 5) });
  });

  const formLocals = (extra: Record<string, unknown>) => ({ article: null, action: '/conoscenza', ...kbLocals, ...extra });
  router.get('/conoscenza/nuovo', requireStaff, async (req, res) => {
    const from = idParam(req.query.richiesta);
    const words = wordsOf(res);
    const draftWords = { question: words('desk:kbDraft.question'), answer: words('desk:kbDraft.answer'), body: words('desk:kbDraft.bodyPlaceholder'), person: words('desk:kbDraft.personPlaceholder') };
    const values = req.query.richiesta ? await draftFromRequest(actorOf(req), from, draftWords) : { status: 'draft', category: 'other' };
    res.render('desk/kb-form', formLocals({ values }));
  });

  router.post('/conoscenza', requireStaff, async (req, res) => {
    await formAction(req, res, 'desk/kb-form', formLocals({}), async () => {
      const article = await createArticle(platform, actorOf(req), req.body);
      flash(req, 'success', msg(article.status === 'published' ? 'desk:flash.articlePublished' : 'desk:flash.articleDrafted'));
      res.redirect(`/conoscenza/${article.slug}`);
    });
  });

  router.get('/conoscenza/:slug', async (req, res) => {
    const { article, bodyName, related } = await getArticle(viewerOf(req), req.params.slug);
    res.render('desk/kb-show', { title: article.title, ...kbLocals, canOpen: canOpenRequests(viewerOf(req)), article, bodyName, related });
  });

  const editLocals = async (req: Request) => {
    const { article } = await getArticle(viewerOf(req), req.params.slug as string);
    return formLocals({ article, action: `/conoscenza/${article.slug}` });
  };
  router.get('/conoscenza/:slug/modifica', requireStaff, async (req, res) => {
    const locals = await editLocals(req);
    const a = locals.article as unknown as KbArticle;
    res.render('desk/kb-form', { ...locals, values: { title: a.title, summary: a.summary, body: a.body, category: a.category, tags: a.tags.join(', '), status: a.status, showBody: a.showBody ? 'on' : '', sourceRequestId: a.sourceRequestId ?? '' } });
  });
  router.post('/conoscenza/:slug', requireStaff, async (req, res) => {
    const locals = await editLocals(req);
    await formAction(req, res, 'desk/kb-form', locals, async () => {
      const article = await updateArticle(platform, actorOf(req), req.params.slug as string, req.body);
      flash(req, 'success', msg('desk:flash.articleUpdated'));
      res.redirect(`/conoscenza/${article.slug}`);
    });
  });
  return router;
}

export function deskAdminRouter(platform: Platform): Router {
  const router = Router();

  // National holidays are named in the reader's language; local ones keep the name the admin gave them.
  const calendarLocals = async (res: Response) => {
    const [setting, { calendar }] = await Promise.all([calendarSetting(platform), deskConfig(platform.sequelize)]);
    return { setting, upcoming: upcomingHolidays(calendar, new Date(), String(res.locals.lang)), weekdays: WEEKDAYS, ...deskAssets };
  };
  const calendarValues = (s: Awaited<ReturnType<typeof calendarSetting>>) => ({ openingTime: s.openingTime, closingTime: s.closingTime, workingDays: s.workingDays.map(String) });
  router.get('/admin/calendario', requireAdmin, async (_req, res) => {
    const locals = await calendarLocals(res);
    res.render('desk/calendar', { ...locals, values: calendarValues(locals.setting) });
  });
  router.post('/admin/calendario', requireAdmin, async (req, res) => {
    const locals = await calendarLocals(res);
    await formAction(req, res, 'desk/calendar', { ...locals, values: calendarValues(locals.setting) }, async () => {
      await saveCalendarHours(platform, actorOf(req), req.body);
      flash(req, 'success', msg('desk:flash.hoursSaved'));
      res.redirect('/admin/calendario');
    });
  });
  router.post('/admin/calendario/festivita', requireAdmin, async (req, res) => {
    const locals = await calendarLocals(res);
    await formAction(req, res, 'desk/calendar', { ...locals, values: calendarValues(locals.setting) }, async () => {
      const h = await addLocalHoliday(platform, actorOf(req), req.body);
      flash(req, 'success', msg('desk:flash.holidayAdded', { name: h.name }));
      res.redirect('/admin/calendario');
    });
  });
  router.post('/admin/calendario/festivita/elimina', requireAdmin, async (req, res) => {
    const removed = await removeLocalHoliday(platform, actorOf(req), req.body?.date);
    flash(req, removed ? 'success' : 'warning', msg(removed ? 'desk:flash.holidayRemoved' : 'desk:flash.holidayMissing'));
    res.redirect('/admin/calendario');
  });

  const settingsLocals = async () => ({ ...labels, ...(await deskSettingsView(platform)) });
  router.get('/admin/sportello', requireAdmin, async (_req, res) => {
    const locals = await settingsLocals();
    res.render('desk/settings', { ...locals, values: deskSettingsValues(locals.settings) });
  });
  router.post('/admin/sportello', requireAdmin, async (req, res) => {
    const locals = await settingsLocals();
    await formAction(req, res, 'desk/settings', locals, async () => {
      await saveDeskSettingsForm(platform, actorOf(req), req.body);
      flash(req, 'success', msg('desk:flash.settingsSaved'));
      res.redirect('/admin/sportello');
    });
  });
  return router;
}
