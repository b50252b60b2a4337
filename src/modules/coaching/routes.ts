// /affiancamento: templates (staff), a body's assessments, plan and sessions, the staff's list of
// every body. Handlers parse, call a service, render, redirect or answer a file.
import { Router, type Request, type Response } from 'express';
import type { Platform } from '../../platform/context.js';
import { formattersFor } from '../../platform/format.js';
import { pickLanguage } from '../../platform/i18n.js';
import { FileRejectedError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, messageTranslatorOf, requireLogin, requireStaff, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { icsResponse, sendCsv, sendPdf, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, permitUpload, readUpload, uploadedFiles } from '../../web/uploads.js';
import { todayInRome } from '../tenders/index.js';
import { ACTION_STATUSES, ANSWERS, CAD_LETTERS, MATURITY_STEPS, referenceText } from './core.js';
import { addEvidence, assessmentGaps, assessmentPage, evidenceFile, listAssessments, reviewAssessment, saveAnswers, startAssessment, submitAssessment } from './assessments.js';
import { planCsvRows, planFileName, planTitle, PLAN_CSV_COLUMNS, writePlanPdf } from './exports.js';
import { obligationFile, obligationPage, obligationsPage, recordObligationEvidence, setReminderDays } from './obligations.js';
import { bodyOverview, setCoach, staffFilterOptions, staffList } from './overview.js';
import { assertCanManageSessions, assertCanReview, assertCanWork } from './policy.js';
import { actionPage, createAction, createGoal, goalsFromGaps, planPage, updateAction } from './plan.js';
import { createSession, listSessions, nextSession, recordDecision, romeLocal, sessionCalendar, sessionForEdit, sessionPage, updateSession } from './sessions.js';
import {
  addArea,
  CSV_COLUMNS,
  deleteQuestion,
  exportableVersion,
  importTemplate,
  listTemplates,
  newDraft,
  parseTemplateText,
  publishVersion,
  saveQuestion,
  templateCsvRows,
  templateFileText,
  templateYaml,
  versionPage,
} from './templates.js';

type Translate = (key: string, params?: Record<string, unknown>) => string;
const tOf = (res: Response): Translate => res.locals.t as Translate;
const base = { styles: ['/static/app/css/coaching.css'], ANSWERS, MATURITY_STEPS, ACTION_STATUSES, CAD_LETTERS };
const eid = (req: Request) => idParam(req.params.entityId);

export function coachingRouter(platform: Platform): Router {
  const router = Router();
  const evidenceUpload = acceptUploads(platform, { field: 'file', maxFiles: 1 });
  const templateUpload = acceptUploads(platform, { field: 'file', maxFiles: 1, maxBytes: 2 * 1024 * 1024 });

  // ---- The staff's list; a body's user lands on their body's page ----

  router.get('/affiancamento', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    if (viewer.role !== 'staff' && viewer.role !== 'admin') {
      if (viewer.entityId) return res.redirect(`/affiancamento/${viewer.entityId}`);
    }
    const page = parsePage(req.query as Record<string, unknown>, 25);
    const result = await staffList(platform, viewer, req.query as Record<string, unknown>, page);
    res.render('coaching/index', {
      ...base,
      title: tOf(res)('coaching:list.title'),
      ...result,
      options: await staffFilterOptions(platform),
      pagination: paginate(result.total, page, '/affiancamento', req.query as Record<string, unknown>),
    });
  });

  // ---- Templates (staff) ----

  router.get('/affiancamento/modelli', requireStaff, async (req, res) => {
    res.render('coaching/templates', { ...base, title: tOf(res)('coaching:templates.title'), templates: await listTemplates(platform, viewerOf(req)), csvColumns: CSV_COLUMNS, values: {} });
  });

  router.post('/affiancamento/modelli/importa', requireStaff, templateUpload, async (req, res) => {
    const locals = { ...base, title: tOf(res)('coaching:templates.title'), templates: await listTemplates(platform, viewerOf(req)), csvColumns: CSV_COLUMNS };
    await formAction(req, res, 'coaching/templates', locals, async () => {
      const [file] = uploadedFiles(req);
      if (!file) throw new ValidationError({ file: msg('coaching:validation.fileMissing') });
      const buffer = await readUpload(file);
      const parsed = parseTemplateText(templateFileText(buffer), /\.csv$/i.test(file.originalName) ? 'csv' : 'yaml');
      const { versionId } = await importTemplate(platform, actorOf(req), parsed, { publish: false });
      flash(req, 'success', msg('coaching:flash.imported', { title: parsed.title }));
      res.redirect(`/affiancamento/modelli/versioni/${versionId}`);
    });
  });

  router.get('/affiancamento/modelli/versioni/:id', requireStaff, async (req, res) => {
    const data = await versionPage(platform, viewerOf(req), idParam(req.params.id));
    res.render('coaching/version', { ...base, title: data.version.title, ...data, values: {}, referenceText });
  });

  router.get('/affiancamento/modelli/versioni/:id/modello.yaml', requireStaff, async (req, res) => {
    const v = await exportableVersion(platform, viewerOf(req), idParam(req.params.id));
    res.setHeader('Content-Type', 'application/yaml; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="modello-${v.templateId}-v${v.version}.yaml"`);
    res.send(templateYaml(v));
  });

  router.get('/affiancamento/modelli/versioni/:id/modello.csv', requireStaff, async (req, res) => {
    const v = await exportableVersion(platform, viewerOf(req), idParam(req.params.id));
    await sendCsv(platform, res, { filename: `modello-${v.templateId}-v${v.version}.csv`, rows: [[...CSV_COLUMNS], ...templateCsvRows(v)] });
  });

  router.post('/affiancamento/modelli/:id/bozza', requireStaff, async (req, res) => {
    const versionId = await newDraft(platform, actorOf(req), idParam(req.params.id));
    flash(req, 'info', msg('coaching:flash.draft'));
    res.redirect(`/affiancamento/modelli/versioni/${versionId}`);
  });

  router.post('/affiancamento/modelli/versioni/:id/pubblica', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    const data = await versionPage(platform, viewerOf(req), id);
    await formAction(req, res, 'coaching/version', { ...base, title: data.version.title, ...data, values: {}, referenceText }, async () => {
      await publishVersion(platform, actorOf(req), id);
      flash(req, 'success', msg('coaching:flash.published'));
      res.redirect(`/affiancamento/modelli/versioni/${id}`);
    });
  });

  router.post('/affiancamento/modelli/versioni/:id/aree', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    const data = await versionPage(platform, viewerOf(req), id);
    await formAction(req, res, 'coaching/version', { ...base, title: data.version.title, ...data, values: {}, referenceText }, async () => {
      await addArea(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('coaching:flash.areaAdded'));
      res.redirect(`/affiancamento/modelli/versioni/${id}`);
    });
  });

  const questionForm = async (req: Request, res: Response, versionId: number, questionId: number | null) => {
    const data = await versionPage(platform, viewerOf(req), versionId);
    const q = questionId === null ? null : data.version.questions.find((x) => x.id === questionId);
    if (questionId !== null && !q) throw new NotFoundError('coaching:error.notFound');
    const values = q ? { areaId: String(q.areaId), code: q.code, text: q.text, guidance: q.guidance ?? '', reference: q.refKind ? `${q.refKind}:${q.refCode}` : '', weight: String(q.weight).replace('.', ',') } : { areaId: String(req.query.area ?? ''), weight: '1' };
    return { ...base, title: tOf(res)(q ? 'coaching:question.editTitle' : 'coaching:question.newTitle'), version: data.version, question: q, values, action: q ? `/affiancamento/modelli/versioni/${versionId}/domande/${q.id}` : `/affiancamento/modelli/versioni/${versionId}/domande` };
  };

  router.get('/affiancamento/modelli/versioni/:id/domande/nuova', requireStaff, async (req, res) => {
    res.render('coaching/question-form', await questionForm(req, res, idParam(req.params.id), null));
  });
  router.post('/affiancamento/modelli/versioni/:id/domande', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    await formAction(req, res, 'coaching/question-form', await questionForm(req, res, id, null), async () => {
      await saveQuestion(platform, actorOf(req), id, null, req.body);
      flash(req, 'success', msg('coaching:flash.questionSaved'));
      res.redirect(`/affiancamento/modelli/versioni/${id}`);
    });
  });
  router.get('/affiancamento/modelli/versioni/:id/domande/:qid', requireStaff, async (req, res) => {
    res.render('coaching/question-form', await questionForm(req, res, idParam(req.params.id), idParam(req.params.qid)));
  });
  router.post('/affiancamento/modelli/versioni/:id/domande/:qid', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    const qid = idParam(req.params.qid);
    await formAction(req, res, 'coaching/question-form', await questionForm(req, res, id, qid), async () => {
      await saveQuestion(platform, actorOf(req), id, qid, req.body);
      flash(req, 'success', msg('coaching:flash.questionSaved'));
      res.redirect(`/affiancamento/modelli/versioni/${id}`);
    });
  });
  router.post('/affiancamento/modelli/versioni/:id/domande/:qid/elimina', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    const data = await versionPage(platform, viewerOf(req), id);
    await formAction(req, res, 'coaching/version', { ...base, title: data.version.title, ...data, values: {}, referenceText }, async () => {
      await deleteQuestion(platform, actorOf(req), id, idParam(req.params.qid));
      flash(req, 'success', msg('coaching:flash.questionDeleted'));
      res.redirect(`/affiancamento/modelli/versioni/${id}`);
    });
  });

  // ---- A body ----

  router.get('/affiancamento/:entityId', requireLogin, async (req, res) => {
    const data = await bodyOverview(platform, viewerOf(req), eid(req));
    res.render('coaching/body', { ...base, title: tOf(res)('coaching:body.title', { name: data.body.name }), ...data, coaches: data.isStaff ? (await staffFilterOptions(platform)).coaches : [], values: { coachId: data.coach ? String(data.coach.id) : '' } });
  });

  router.post('/affiancamento/:entityId/coach', requireStaff, async (req, res) => {
    const entityId = eid(req);
    try {
      await setCoach(platform, actorOf(req), entityId, req.body as Record<string, unknown>);
      flash(req, 'success', msg('coaching:flash.coach'));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      flash(req, 'danger', msg('coaching:validation.coach'));
    }
    res.redirect(`/affiancamento/${entityId}`);
  });

  // ---- Assessments ----

  router.get('/affiancamento/:entityId/valutazioni', requireLogin, async (req, res) => {
    const data = await listAssessments(platform, viewerOf(req), eid(req));
    res.render('coaching/assessments', { ...base, title: tOf(res)('coaching:assessments.title', { name: data.body.name }), ...data, values: {} });
  });

  router.post('/affiancamento/:entityId/valutazioni', requireLogin, async (req, res) => {
    const entityId = eid(req);
    const data = await listAssessments(platform, viewerOf(req), entityId);
    await formAction(req, res, 'coaching/assessments', { ...base, title: tOf(res)('coaching:assessments.title', { name: data.body.name }), ...data, values: {} }, async () => {
      const id = await startAssessment(platform, actorOf(req), entityId, req.body as Record<string, unknown>);
      flash(req, 'success', msg('coaching:flash.started'));
      res.redirect(`/affiancamento/${entityId}/valutazioni/${id}`);
    });
  });

  const assessmentLocals = async (req: Request, res: Response) => {
    const data = await assessmentPage(platform, viewerOf(req), eid(req), idParam(req.params.id));
    const wanted = typeof req.query.area === 'string' ? req.query.area : null;
    const area = data.editable ? (data.version.areas.find((a) => a.code === wanted) ?? data.version.areas[0]) : null;
    return { ...base, title: tOf(res)('coaching:assessment.title', { name: data.body.name }), ...data, area, values: {} };
  };

  router.get('/affiancamento/:entityId/valutazioni/:id', requireLogin, async (req, res) => {
    res.render('coaching/assessment', await assessmentLocals(req, res));
  });

  router.post('/affiancamento/:entityId/valutazioni/:id', requireLogin, async (req, res) => {
    const locals = await assessmentLocals(req, res);
    await formAction(req, res, 'coaching/assessment', locals, async () => {
      await saveAnswers(platform, actorOf(req), eid(req), idParam(req.params.id), req.body as Record<string, unknown>);
      flash(req, 'success', msg('coaching:flash.saved'));
      const areas = locals.version.areas;
      const i = locals.area ? areas.findIndex((a) => a.id === locals.area!.id) : -1;
      const next = req.body.next === 'on' && i >= 0 && i < areas.length - 1 ? areas[i + 1] : locals.area;
      res.redirect(`/affiancamento/${eid(req)}/valutazioni/${idParam(req.params.id)}${next ? `?area=${encodeURIComponent(next.code)}` : ''}`);
    });
  });

  router.post('/affiancamento/:entityId/valutazioni/:id/invia', requireLogin, async (req, res) => {
    const locals = await assessmentLocals(req, res);
    await formAction(req, res, 'coaching/assessment', locals, async () => {
      await submitAssessment(platform, actorOf(req), eid(req), idParam(req.params.id));
      flash(req, 'success', msg('coaching:flash.submitted'));
      res.redirect(`/affiancamento/${eid(req)}/valutazioni/${idParam(req.params.id)}`);
    });
  });

  router.post('/affiancamento/:entityId/valutazioni/:id/prove/:qid', requireLogin, permitUpload((req) => assertCanWork(actorOf(req), eid(req))), evidenceUpload, async (req, res) => {
    const locals = await assessmentLocals(req, res);
    const qid = idParam(req.params.qid);
    res.locals.uploadField = `file_${qid}`;
    await formAction(req, res, 'coaching/assessment', locals, async () => {
      // A refusal of the upload itself (too large) goes next to this question's file field too.
      const file = (() => {
        try {
          return uploadedFiles(req)[0];
        } catch (err) {
          if (err instanceof FileRejectedError) throw new FileRejectedError(err.message, `file_${qid}`);
          throw err;
        }
      })();
      if (!file) throw new ValidationError({ [`file_${qid}`]: msg('coaching:validation.fileMissing') });
      await addEvidence(platform, actorOf(req), eid(req), idParam(req.params.id), qid, file);
      flash(req, 'success', msg('coaching:flash.evidence'));
      const area = locals.version.areas.find((a) => a.id === locals.version.questions.find((q) => q.id === qid)?.areaId);
      res.redirect(`/affiancamento/${eid(req)}/valutazioni/${idParam(req.params.id)}${area ? `?area=${encodeURIComponent(area.code)}` : ''}#q-${qid}`);
    });
  });

  router.get('/affiancamento/:entityId/valutazioni/:id/prove/:eid', requireLogin, async (req, res) => {
    const fileId = await evidenceFile(platform, viewerOf(req), eid(req), idParam(req.params.id), idParam(req.params.eid));
    await sendStoredFile(platform, res, fileId);
  });

  const reviewLocals = async (req: Request, res: Response) => {
    const data = await assessmentPage(platform, viewerOf(req), eid(req), idParam(req.params.id));
    assertCanReview(viewerOf(req), eid(req));
    const values: Record<string, string> = {};
    for (const [qid, a] of Object.entries(data.answers)) values[`comment_${qid}`] = a.staffComment ?? '';
    return { ...base, title: tOf(res)('coaching:review.title', { name: data.body.name }), ...data, values };
  };

  router.get('/affiancamento/:entityId/valutazioni/:id/revisione', requireLogin, async (req, res) => {
    res.render('coaching/review', await reviewLocals(req, res));
  });

  router.post('/affiancamento/:entityId/valutazioni/:id/revisione', requireLogin, async (req, res) => {
    await formAction(req, res, 'coaching/review', await reviewLocals(req, res), async () => {
      const decision = await reviewAssessment(platform, actorOf(req), eid(req), idParam(req.params.id), req.body as Record<string, unknown>);
      flash(req, 'success', msg(`coaching:flash.${decision}`));
      res.redirect(`/affiancamento/${eid(req)}/valutazioni/${idParam(req.params.id)}`);
    });
  });

  const gapsLocals = async (req: Request, res: Response) => {
    const data = await assessmentGaps(platform, viewerOf(req), eid(req), idParam(req.params.id));
    return { ...base, title: tOf(res)('coaching:gaps.title'), entityId: eid(req), ...data, values: {} };
  };

  router.get('/affiancamento/:entityId/valutazioni/:id/obiettivi', requireLogin, async (req, res) => {
    res.render('coaching/gaps', await gapsLocals(req, res));
  });

  router.post('/affiancamento/:entityId/valutazioni/:id/obiettivi', requireLogin, async (req, res) => {
    await formAction(req, res, 'coaching/gaps', await gapsLocals(req, res), async () => {
      const raw = req.body.questions;
      const ids = (Array.isArray(raw) ? raw : raw ? [raw] : []).map((v: unknown) => idParam(v)).filter((n: number) => n > 0);
      const n = await goalsFromGaps(platform, actorOf(req), eid(req), idParam(req.params.id), ids);
      flash(req, 'success', msg('coaching:flash.goals', { count: n }));
      res.redirect(`/affiancamento/${eid(req)}/piano`);
    });
  });

  // ---- Plan ----

  const planLocals = async (req: Request, res: Response) => {
    const data = await planPage(platform, viewerOf(req), eid(req));
    return { ...base, title: planTitle(tOf(res), data.body), ...data, values: {} };
  };

  router.get('/affiancamento/:entityId/piano', requireLogin, async (req, res) => {
    res.render('coaching/plan', await planLocals(req, res));
  });

  router.post('/affiancamento/:entityId/piano/obiettivi', requireLogin, async (req, res) => {
    await formAction(req, res, 'coaching/plan', { ...(await planLocals(req, res)), form: 'goal' }, async () => {
      await createGoal(platform, actorOf(req), eid(req), req.body);
      flash(req, 'success', msg('coaching:flash.goalCreated'));
      res.redirect(`/affiancamento/${eid(req)}/piano`);
    });
  });

  router.post('/affiancamento/:entityId/piano/azioni', requireLogin, async (req, res) => {
    await formAction(req, res, 'coaching/plan', { ...(await planLocals(req, res)), form: 'action' }, async () => {
      await createAction(platform, actorOf(req), eid(req), req.body);
      flash(req, 'success', msg('coaching:flash.actionCreated'));
      res.redirect(`/affiancamento/${eid(req)}/piano`);
    });
  });

  const actionLocals = async (req: Request) => {
    const data = await actionPage(platform, viewerOf(req), eid(req), idParam(req.params.aid));
    const a = data.action;
    return {
      ...base,
      title: a.title,
      ...data,
      values: { title: a.title, goalId: a.goalId ? String(a.goalId) : '', ownerId: a.ownerId ? String(a.ownerId) : '', dueOn: a.dueOn ?? '', status: a.status, progress: String(a.progress) },
    };
  };

  router.get('/affiancamento/:entityId/piano/azioni/:aid', requireLogin, async (req, res) => {
    res.render('coaching/action', await actionLocals(req));
  });

  router.post('/affiancamento/:entityId/piano/azioni/:aid', requireLogin, async (req, res) => {
    await formAction(req, res, 'coaching/action', await actionLocals(req), async () => {
      await updateAction(platform, actorOf(req), eid(req), idParam(req.params.aid), req.body);
      flash(req, 'success', msg('coaching:flash.actionSaved'));
      res.redirect(`/affiancamento/${eid(req)}/piano/azioni/${idParam(req.params.aid)}`);
    });
  });

  const planExport = async (req: Request, res: Response) => {
    const data = await planPage(platform, viewerOf(req), eid(req));
    const t = tOf(res);
    const tm = messageTranslatorOf(res);
    const fmt = formattersFor(pickLanguage(res.locals.lang));
    return { data, t, tm: (m: string | null) => tm(m), fmt };
  };

  router.get('/affiancamento/:entityId/piano.pdf', requireLogin, async (req, res) => {
    const { data, t, tm, fmt } = await planExport(req, res);
    await sendPdf(platform, res, { filename: planFileName(data.body, 'pdf'), title: planTitle(t, data.body), disposition: 'inline' }, (doc) => writePlanPdf(doc, data, data.body, t, tm, fmt, todayInRome()));
  });

  router.get('/affiancamento/:entityId/piano.csv', requireLogin, async (req, res) => {
    const { data, t, tm, fmt } = await planExport(req, res);
    await sendCsv(platform, res, { filename: planFileName(data.body, 'csv'), rows: [[planTitle(t, data.body)], [...PLAN_CSV_COLUMNS].map((c) => t(`coaching:export.col.${c}`)), ...[...planCsvRows(data, t, tm, fmt)].map((r) => PLAN_CSV_COLUMNS.map((c) => r[c]))] });
  });

  // ---- Obligations calendar ----

  router.get('/affiancamento/:entityId/scadenze', requireLogin, async (req, res) => {
    const data = await obligationsPage(platform, viewerOf(req), eid(req), req.query.anno);
    res.render('coaching/obligations', { ...base, title: tOf(res)('coaching:obligations.title', { name: data.body.name, year: data.year }), ...data });
  });

  router.get('/affiancamento/:entityId/scadenze/prove/:fid', requireLogin, async (req, res) => {
    await sendStoredFile(platform, res, await obligationFile(platform, viewerOf(req), eid(req), idParam(req.params.fid)));
  });

  const obligationLocals = async (req: Request, res: Response) => {
    const year = /^\d{4}$/.test(String(req.params.year)) ? Number(req.params.year) : -1;
    const data = await obligationPage(platform, viewerOf(req), eid(req), year, String(req.params.code).toUpperCase());
    const o = data.obligation;
    return { ...base, title: tOf(res)('coaching:obligations.pageTitle', { title: tOf(res)(`coaching:obligations.series.${o.series}`), year }), ...data, values: { doneOn: o.doneOn ?? '', link: o.link ?? '', note: o.note ?? '' } };
  };

  router.get('/affiancamento/:entityId/scadenze/:year/:code', requireLogin, async (req, res) => {
    res.render('coaching/obligation', await obligationLocals(req, res));
  });

  router.post('/affiancamento/:entityId/scadenze/:year/:code', requireLogin, permitUpload((req) => assertCanWork(actorOf(req), eid(req))), evidenceUpload, async (req, res) => {
    const locals = await obligationLocals(req, res);
    await formAction(req, res, 'coaching/obligation', locals, async () => {
      const [file] = uploadedFiles(req);
      await recordObligationEvidence(platform, actorOf(req), eid(req), locals.year, locals.obligation.code, req.body, file ?? null);
      flash(req, 'success', msg('coaching:flash.obligation'));
      res.redirect(`/affiancamento/${eid(req)}/scadenze?anno=${locals.year}#obbligo-${locals.obligation.code}`);
    });
  });

  router.post('/affiancamento/:entityId/scadenze/promemoria', requireStaff, async (req, res) => {
    try {
      const days = await setReminderDays(platform, actorOf(req), req.body);
      flash(req, 'success', msg('coaching:flash.reminderDays', { count: days }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      flash(req, 'danger', msg('coaching:validation.reminderDays'));
    }
    res.redirect(`/affiancamento/${eid(req)}/scadenze`);
  });

  // ---- Sessions ----

  router.get('/affiancamento/:entityId/incontri', requireLogin, async (req, res) => {
    const data = await listSessions(platform, viewerOf(req), eid(req));
    res.render('coaching/sessions', { ...base, title: tOf(res)('coaching:sessions.title', { name: data.body.name }), ...data });
  });

  router.get('/affiancamento/:entityId/incontri/prossimo.ics', requireLogin, async (req, res) => {
    const data = await listSessions(platform, viewerOf(req), eid(req));
    const next = await nextSession(platform, data.body.id);
    if (!next) throw new NotFoundError('coaching:error.noNextSession');
    icsResponse(res, sessionCalendar(data.body.name, next, tOf(res)('coaching:sessions.icsTitle', { name: data.body.name }), `${platform.config.baseUrl}/affiancamento/${data.body.id}/incontri/${next.id}`), { filename: 'prossimo-incontro.ics' });
  });

  const sessionFormLocals = async (req: Request, res: Response, sessionId: number | null) => {
    const data = await listSessions(platform, viewerOf(req), eid(req));
    assertCanManageSessions(viewerOf(req), data.body.id);
    const s = sessionId === null ? null : await sessionForEdit(platform, viewerOf(req), data.body.id, sessionId);
    const values = s
      ? { startsAt: romeLocal(s.startsAt), durationMinutes: String(s.durationMinutes), mode: s.mode, place: s.place ?? '', link: s.link ?? '', participants: s.participants ?? '', agenda: s.agenda ?? '', minutes: s.minutes ?? '', nextSteps: s.nextSteps ?? '' }
      : { mode: 'online', durationMinutes: '60' };
    return { ...base, title: tOf(res)(s ? 'coaching:session.editTitle' : 'coaching:session.newTitle'), body: data.body, session: s, values, action: s ? `/affiancamento/${data.body.id}/incontri/${s.id}/modifica` : `/affiancamento/${data.body.id}/incontri` };
  };

  router.get('/affiancamento/:entityId/incontri/nuovo', requireLogin, async (req, res) => {
    res.render('coaching/session-form', await sessionFormLocals(req, res, null));
  });

  router.post('/affiancamento/:entityId/incontri', requireLogin, async (req, res) => {
    await formAction(req, res, 'coaching/session-form', await sessionFormLocals(req, res, null), async () => {
      const id = await createSession(platform, actorOf(req), eid(req), req.body);
      flash(req, 'success', msg('coaching:flash.sessionSaved'));
      res.redirect(`/affiancamento/${eid(req)}/incontri/${id}`);
    });
  });

  router.get('/affiancamento/:entityId/incontri/:sid', requireLogin, async (req, res) => {
    const data = await sessionPage(platform, viewerOf(req), eid(req), idParam(req.params.sid));
    res.render('coaching/session', { ...base, title: tOf(res)('coaching:session.title', { date: res.locals.fmt.dateTime(data.session.startsAt) }), ...data, values: { status: 'doing' } });
  });

  router.get('/affiancamento/:entityId/incontri/:sid/modifica', requireLogin, async (req, res) => {
    res.render('coaching/session-form', await sessionFormLocals(req, res, idParam(req.params.sid)));
  });

  router.post('/affiancamento/:entityId/incontri/:sid/modifica', requireLogin, async (req, res) => {
    const sid = idParam(req.params.sid);
    await formAction(req, res, 'coaching/session-form', await sessionFormLocals(req, res, sid), async () => {
      await updateSession(platform, actorOf(req), eid(req), sid, req.body);
      flash(req, 'success', msg('coaching:flash.sessionSaved'));
      res.redirect(`/affiancamento/${eid(req)}/incontri/${sid}`);
    });
  });

  router.post('/affiancamento/:entityId/incontri/:sid/decisioni', requireLogin, async (req, res) => {
    const sid = idParam(req.params.sid);
    const data = await sessionPage(platform, viewerOf(req), eid(req), sid);
    await formAction(req, res, 'coaching/session', { ...base, title: tOf(res)('coaching:session.title', { date: res.locals.fmt.dateTime(data.session.startsAt) }), ...data, values: {} }, async () => {
      await recordDecision(platform, actorOf(req), eid(req), sid, req.body);
      flash(req, 'success', msg('coaching:flash.decision'));
      res.redirect(`/affiancamento/${eid(req)}/incontri/${sid}#decisioni`);
    });
  });

  return router;
}
