// /finanziamenti: calls (avvisi), projects (candidature) and a body's funding. Handlers parse,
// call a service, render or redirect.
import { Router, type Request, type Response } from 'express';
import { isStaff } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, requireLogin, requireStaff, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { bodyFilterText, bodyOptions } from '../entities/index.js';
import { money, todayInRome } from '../tenders/index.js';
import { canEditBodyFunding, canManageCalls, canRecordApplications, canSeeBodyFunding } from './policy.js';
import { BAND_ROWS } from './schemas.js';
import {
  bodyFunding,
  callOptions,
  callPage,
  createCall,
  createProject,
  getCall,
  listCalls,
  listProjects,
  projectForEdit,
  projectPage,
  updateCall,
  updateProject,
  vocabulary,
  type CallView,
  type ProjectView,
} from './service.js';
import { DATE_ORDER, RULE_KEYS } from './stages.js';
import { addIndicator, callImpact, impactCsvRows, IMPACT_CSV_COLUMNS, projectIndicators, reportForm, reportValue, reviewValue, valueForReview } from './indicators.js';
import { PERIOD_KINDS } from './periods.js';
import { sendCsv, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, permitUpload, uploadedFiles } from '../../web/uploads.js';
import { addEvidence, addEvidenceVersion, closeSampleCheck, evidenceDocument, evidenceFile, openSampleCheck, projectEvidence, sampleChecks, SAMPLE_CHECK_WORKING_DAYS } from './evidence.js';
import { EVIDENCE_TYPES } from './schemas.js';
import { coachOf, coachOptions, setCoach } from './reminders.js';
import { dashboard, projectsCsvRows, PROJECTS_CSV_COLUMNS } from './dashboard.js';
import { IMPORT_MAX_FILES, importRun, queueImport, REPORT_MAX_PROBLEMS } from './upload.js';
import { projectLinks, setProjectLinks } from './links.js';

const { formatCents: _italianCents, ...vocabularyForViews } = vocabulary;
const base = { ...vocabularyForViews, DATE_ORDER, styles: ['/static/app/css/funding.css'], measureKey: (code: string) => `common:pnrr.${code.replace(/\./g, '_')}` };
type Translate = (key: string, params?: Record<string, unknown>) => string;
const tOf = (res: Response): Translate => res.locals.t as Translate;
const centsInput = (cents: number | null | undefined) => (cents === null || cents === undefined ? '' : vocabulary.formatCents(cents).replace('€ ', ''));

function callValues(c: CallView | null): Record<string, unknown> {
  if (!c) return { source: 'regional', amountRule: 'percent', eligibleKinds: ['comune', 'unione'], bandUpTo: [], bandAmount: [] };
  const values: Record<string, unknown> = {
    source: c.source,
    measure: c.measure ?? '',
    title: c.title,
    eligibleKinds: c.eligibleKinds,
    opensOn: c.opensOn ?? '',
    closesOn: c.closesOn ?? '',
    budget: centsInput(c.budgetCents),
    amountRule: c.amountRule,
    amountFixed: centsInput(c.amountFixedCents),
    amountPercent: c.amountPercent === null ? '' : String(c.amountPercent).replace('.', ','),
    amountCap: centsInput(c.amountCapCents),
    bandUpTo: c.amountBands.map((b) => (b.upTo === null ? '' : String(b.upTo))),
    bandAmount: c.amountBands.map((b) => centsInput(b.cents)),
    firstCome: c.firstCome ? 'on' : '',
    url: c.url ?? '',
  };
  for (const k of RULE_KEYS) values[k] = String(c.rules[k]);
  return values;
}

function projectValues(p: ProjectView | null, query: Record<string, unknown> = {}): Record<string, unknown> {
  if (!p) return { state: 'preparing', callId: typeof query.avviso === 'string' ? query.avviso : '', entityId: typeof query.ente === 'string' ? query.ente : '' };
  const values: Record<string, unknown> = {
    entityId: String(p.entityId),
    callId: String(p.callId),
    title: p.title ?? '',
    amount: centsInput(p.amountCents),
    state: p.state,
    cup: p.cup ?? '',
    decree: p.decree ?? '',
    protocol: p.protocol ?? '',
  };
  for (const f of DATE_ORDER) values[f] = (p as unknown as Record<string, string | null>)[f] ?? '';
  return values;
}

export function fundingRouter(platform: Platform): Router {
  const router = Router();
  // Amounts on these pages read the reader's way ("€ 9.506,14", "€9,506.14"), like the tenders' do.
  router.use('/finanziamenti', (_req, res, next) => {
    const tm = res.locals.tm as (m: string) => string;
    res.locals.formatCents = (cents: number) => tm(money(cents));
    next();
  });

  // The staff dashboard; everyone else starts from the calls.
  router.get('/finanziamenti', async (req, res) => {
    const viewer = viewerOf(req);
    if (!isStaff(viewer)) return res.redirect('/finanziamenti/avvisi');
    res.render('funding/dashboard', { ...base, title: tOf(res)('funding:dashboard.title'), ...(await dashboard(platform, viewer)) });
  });

  // ---- Import of the PA digitale 2026 open data (the same importer as npm run pnrr:import) ----

  const importUpload = acceptUploads(platform, { field: 'files', maxFiles: IMPORT_MAX_FILES });
  const importLocals = (res: Response) => ({ ...base, title: tOf(res)('funding:upload.title'), report: null, run: null, maxFiles: IMPORT_MAX_FILES, maxProblems: REPORT_MAX_PROBLEMS, uploadMaxMb: Math.round(platform.config.uploadMaxBytes / 1024 / 1024), values: {} });

  router.get('/finanziamenti/importa', requireStaff, (_req, res) => {
    res.render('funding/import', importLocals(res));
  });

  router.post('/finanziamenti/importa', requireStaff, importUpload, async (req, res) => {
    await formAction(req, res, 'funding/import', importLocals(res), async () => {
      const id = await queueImport(platform, actorOf(req), uploadedFiles(req));
      res.redirect(`/finanziamenti/importa/${id}`);
    });
  });

  router.get('/finanziamenti/importa/:id', requireStaff, async (req, res) => {
    const run = await importRun(platform, viewerOf(req), idParam(req.params.id));
    res.render('funding/import', { ...importLocals(res), run, report: run.report });
  });

  // ---- Calls ----

  router.get('/finanziamenti/avvisi', async (req, res) => {
    const page = parsePage(req.query as Record<string, unknown>);
    const result = await listCalls(platform, req.query as Record<string, unknown>, page);
    res.render('funding/calls', {
      ...base,
      title: tOf(res)('funding:calls.title'),
      ...result,
      canManage: canManageCalls(viewerOf(req)),
      pagination: paginate(result.total, page, '/finanziamenti/avvisi', req.query as Record<string, unknown>),
    });
  });

  const callForm = async (req: Request, res: Response, call: CallView | null, values = callValues(call)) => ({
    ...base,
    title: call ? tOf(res)('funding:callForm.editTitle') : tOf(res)('funding:callForm.newTitle'),
    call,
    values,
    bandRows: BAND_ROWS,
    ruleKeys: RULE_KEYS,
    action: call ? `/finanziamenti/avvisi/${call.id}` : '/finanziamenti/avvisi',
  });

  router.get('/finanziamenti/avvisi/nuovo', requireStaff, async (req, res) => {
    res.render('funding/call-form', await callForm(req, res, null));
  });

  router.post('/finanziamenti/avvisi', requireStaff, async (req, res) => {
    await formAction(req, res, 'funding/call-form', await callForm(req, res, null, {}), async () => {
      const call = await createCall(platform, actorOf(req), req.body);
      flash(req, 'success', msg('funding:flash.callCreated', { title: call.title }));
      res.redirect(`/finanziamenti/avvisi/${call.id}`);
    });
  });

  router.get('/finanziamenti/avvisi/:id', async (req, res) => {
    const viewer = viewerOf(req);
    const page = await callPage(platform, viewer, idParam(req.params.id));
    res.render('funding/call', {
      ...base,
      title: page.call.title,
      ...page,
      impact: await callImpact(platform, page.call.id),
      canManage: canManageCalls(viewer),
      canApply: !!page.own && canEditBodyFunding(viewer, page.own.id) && !page.own.projectId && page.call.eligibleKinds.includes(page.own.kind),
      canRecord: isStaff(viewer),
    });
  });

  router.get('/finanziamenti/avvisi/:id/modifica', requireStaff, async (req, res) => {
    const call = await getCall(idParam(req.params.id));
    res.render('funding/call-form', await callForm(req, res, call));
  });

  router.post('/finanziamenti/avvisi/:id', requireStaff, async (req, res) => {
    const call = await getCall(idParam(req.params.id));
    await formAction(req, res, 'funding/call-form', await callForm(req, res, call, {}), async () => {
      await updateCall(platform, actorOf(req), call.id, req.body);
      flash(req, 'success', msg('funding:flash.callSaved'));
      res.redirect(`/finanziamenti/avvisi/${call.id}`);
    });
  });

  // ---- Impact indicators of a call ----

  const indicatorForm = async (call: CallView, res: Response) => ({ ...base, title: tOf(res)('funding:indicatorForm.title'), call, values: { period: 'quarter' }, PERIOD_KINDS });

  router.get('/finanziamenti/avvisi/:id/indicatori/nuovo', requireStaff, async (req, res) => {
    res.render('funding/indicator-form', await indicatorForm(await getCall(idParam(req.params.id)), res));
  });

  router.post('/finanziamenti/avvisi/:id/indicatori', requireStaff, async (req, res) => {
    const call = await getCall(idParam(req.params.id));
    await formAction(req, res, 'funding/indicator-form', await indicatorForm(call, res), async () => {
      const indicator = await addIndicator(platform, actorOf(req), call.id, req.body);
      flash(req, 'success', msg('funding:flash.indicatorCreated', { name: indicator.name }));
      res.redirect(`/finanziamenti/avvisi/${call.id}#impatto`);
    });
  });

  router.get('/finanziamenti/avvisi/:id/indicatori.csv', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    await sendCsv(platform, res, { filename: `indicatori-avviso-${id}.csv`, columns: IMPACT_CSV_COLUMNS, rows: impactCsvRows(platform, viewerOf(req), id) });
  });

  // ---- Projects ----

  router.get('/finanziamenti/progetti.csv', requireLogin, async (req, res) => {
    const t = tOf(res);
    const words = { state: (s: string) => t(`funding:state.${s}`), stage: (s: string) => t(`funding:stage.${s}`), level: (s: string) => t(`funding:level.${s}`), origin: (imported: boolean) => t(`funding:csv.origin.${imported ? 'imported' : 'manual'}`) };
    await sendCsv(platform, res, { filename: `progetti-finanziati-${todayInRome()}.csv`, columns: PROJECTS_CSV_COLUMNS, rows: projectsCsvRows(platform, viewerOf(req), words) });
  });

  router.get('/finanziamenti/progetti', requireLogin, async (req, res) => {
    const viewer = viewerOf(req);
    const page = parsePage(req.query as Record<string, unknown>);
    const result = await listProjects(platform, viewer, req.query as Record<string, unknown>, page);
    res.render('funding/projects', {
      ...base,
      title: tOf(res)('funding:projects.title'),
      ...result,
      bodyText: result.staff ? await bodyFilterText(result.filter.entityName, result.filter.entityId) : '',
      canRecord: canRecordApplications(viewer),
      pagination: paginate(result.total, page, '/finanziamenti/progetti', req.query as Record<string, unknown>),
    });
  });

  const projectForm = async (req: Request, res: Response, project: ProjectView | null, values: Record<string, unknown>) => {
    const actor = actorOf(req);
    return {
      ...base,
      title: project ? tOf(res)('funding:projectForm.editTitle') : tOf(res)('funding:projectForm.newTitle'),
      project,
      values,
      calls: await callOptions(platform),
      bodies: isStaff(actor) && !project ? await bodyOptions() : [],
      dateFields: DATE_ORDER,
      action: project ? `/finanziamenti/progetti/${project.id}` : '/finanziamenti/progetti',
    };
  };

  router.get('/finanziamenti/progetti/nuovo', requireLogin, async (req, res) => {
    const actor = actorOf(req);
    if (!canRecordApplications(actor)) throw new ForbiddenError('funding:error.rtdOnly', 'funding.projects.new');
    res.render('funding/project-form', await projectForm(req, res, null, projectValues(null, req.query as Record<string, unknown>)));
  });

  router.post('/finanziamenti/progetti', requireLogin, async (req, res) => {
    await formAction(req, res, 'funding/project-form', await projectForm(req, res, null, {}), async () => {
      const project = await createProject(platform, actorOf(req), req.body);
      flash(req, 'success', msg('funding:flash.projectCreated'));
      res.redirect(`/finanziamenti/progetti/${project.id}`);
    });
  });

  const projectPageLocals = async (req: Request) => {
    const viewer = viewerOf(req);
    const project = await projectPage(platform, viewer, idParam(req.params.id));
    const links = await projectLinks(platform, project);
    return {
      ...base,
      title: project.title || project.callTitle,
      project,
      canEdit: canEditBodyFunding(viewer, project.entityId),
      staff: isStaff(viewer),
      impact: await projectIndicators(platform, viewer, project.id),
      evidence: await projectEvidence(platform, viewer, project.id),
      checks: await sampleChecks(platform, viewer, project.id),
      links,
      values: { tenderDossierId: project.tenderDossierId ? String(project.tenderDossierId) : '', coachingActionId: project.coachingActionId ? String(project.coachingActionId) : '' },
    };
  };

  router.get('/finanziamenti/progetti/:id', requireLogin, async (req, res) => {
    res.render('funding/project', await projectPageLocals(req));
  });

  router.post('/finanziamenti/progetti/:id/collegamenti', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await projectForEdit(platform, actorOf(req), id);
    await formAction(req, res, 'funding/project', await projectPageLocals(req), async () => {
      await setProjectLinks(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('funding:flash.linksSaved'));
      res.redirect(`/finanziamenti/progetti/${id}#collegamenti`);
    });
  });

  // ---- A project's evidence and sample checks ----

  // Who may not add evidence to the project is refused before the file is read.
  const canEdit = permitUpload((req) => projectForEdit(platform, actorOf(req), idParam(req.params.id)));
  const fileUpload = acceptUploads(platform, { field: 'file', maxFiles: 1 });
  const fileOf = (req: Request) => uploadedFiles(req)[0] ?? null;
  const evidenceForm = (res: Response, project: ProjectView, values: Record<string, unknown>) => ({ ...base, title: tOf(res)('funding:evidence.newTitle'), project, values, EVIDENCE_TYPES });

  router.get('/finanziamenti/progetti/:id/evidenze/nuova', requireLogin, async (req, res) => {
    const project = await projectForEdit(platform, actorOf(req), idParam(req.params.id));
    res.render('funding/evidence-form', evidenceForm(res, project, { type: typeof req.query.tipo === 'string' ? req.query.tipo : '' }));
  });

  router.post('/finanziamenti/progetti/:id/evidenze', requireLogin, canEdit, fileUpload, async (req, res) => {
    const project = await projectForEdit(platform, actorOf(req), idParam(req.params.id));
    await formAction(req, res, 'funding/evidence-form', evidenceForm(res, project, {}), async () => {
      await addEvidence(platform, actorOf(req), project.id, req.body, fileOf(req));
      flash(req, 'success', msg('funding:flash.evidenceAdded'));
      res.redirect(`/finanziamenti/progetti/${project.id}#evidenze`);
    });
  });

  const evidencePage = async (req: Request) => {
    const viewer = viewerOf(req);
    const project = await projectPage(platform, viewer, idParam(req.params.id));
    const document = await evidenceDocument(platform, viewer, project.id, idParam(req.params.docId));
    return { ...base, title: document.title, project, document, canEdit: canEditBodyFunding(viewer, project.entityId), values: {} };
  };

  router.get('/finanziamenti/progetti/:id/evidenze/:docId', requireLogin, async (req, res) => {
    res.render('funding/evidence', await evidencePage(req));
  });

  router.post('/finanziamenti/progetti/:id/evidenze/:docId/versioni', requireLogin, canEdit, fileUpload, async (req, res) => {
    const locals = await evidencePage(req);
    await formAction(req, res, 'funding/evidence', locals, async () => {
      const version = await addEvidenceVersion(platform, actorOf(req), locals.project.id, locals.document.id, req.body, fileOf(req));
      flash(req, 'success', msg('funding:flash.versionAdded', { version }));
      res.redirect(`/finanziamenti/progetti/${locals.project.id}/evidenze/${locals.document.id}`);
    });
  });

  router.get('/finanziamenti/progetti/:id/evidenze/:docId/versioni/:vid', requireLogin, async (req, res) => {
    const f = await evidenceFile(platform, viewerOf(req), idParam(req.params.id), idParam(req.params.docId), idParam(req.params.vid));
    await sendStoredFile(platform, res, f.fileId, { name: f.originalName });
  });

  const checkForm = (res: Response, project: ProjectView, values: Record<string, unknown>) => ({ ...base, title: tOf(res)('funding:check.newTitle'), project, values, EVIDENCE_TYPES, workingDays: SAMPLE_CHECK_WORKING_DAYS });

  router.get('/finanziamenti/progetti/:id/controlli/nuovo', requireStaff, async (req, res) => {
    const project = await projectPage(platform, viewerOf(req), idParam(req.params.id));
    res.render('funding/check-form', checkForm(res, project, { requestedOn: todayInRome(), checklist: ['determina', 'contratto', 'cre', 'screenshot'] }));
  });

  router.post('/finanziamenti/progetti/:id/controlli', requireStaff, async (req, res) => {
    const project = await projectPage(platform, viewerOf(req), idParam(req.params.id));
    await formAction(req, res, 'funding/check-form', checkForm(res, project, {}), async () => {
      await openSampleCheck(platform, actorOf(req), project.id, req.body);
      flash(req, 'success', msg('funding:flash.checkOpened'));
      res.redirect(`/finanziamenti/progetti/${project.id}#controlli`);
    });
  });

  router.post('/finanziamenti/progetti/:id/controlli/:checkId/chiudi', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    await closeSampleCheck(platform, actorOf(req), id, idParam(req.params.checkId));
    flash(req, 'success', msg('funding:flash.checkClosed'));
    res.redirect(`/finanziamenti/progetti/${id}#controlli`);
  });

  // ---- A project's indicator values ----

  const valueForm = async (req: Request, res: Response, project: ProjectView, values: Record<string, unknown>) => ({
    ...base,
    title: tOf(res)('funding:valueForm.title'),
    project,
    values,
    ...(await reportForm(platform, actorOf(req), project.id)),
  });

  router.get('/finanziamenti/progetti/:id/indicatori/nuovo', requireLogin, async (req, res) => {
    const project = await projectForEdit(platform, actorOf(req), idParam(req.params.id));
    const q = req.query as Record<string, unknown>;
    res.render('funding/value-form', await valueForm(req, res, project, { indicatorId: typeof q.indicatore === 'string' ? q.indicatore : '', period: typeof q.periodo === 'string' ? q.periodo : '' }));
  });

  router.post('/finanziamenti/progetti/:id/indicatori', requireLogin, async (req, res) => {
    const project = await projectForEdit(platform, actorOf(req), idParam(req.params.id));
    await formAction(req, res, 'funding/value-form', await valueForm(req, res, project, {}), async () => {
      await reportValue(platform, actorOf(req), project.id, req.body);
      flash(req, 'success', msg('funding:flash.valueReported'));
      res.redirect(`/finanziamenti/progetti/${project.id}#indicatori`);
    });
  });

  const reviewPage = async (req: Request, res: Response) => {
    const viewer = viewerOf(req);
    const project = await projectPage(platform, viewer, idParam(req.params.id));
    const data = await valueForReview(platform, viewer, project.id, idParam(req.params.valueId));
    return { ...base, title: tOf(res)('funding:review.title'), project, ...data, staff: isStaff(viewer), values: {} };
  };

  router.get('/finanziamenti/progetti/:id/indicatori/:valueId', requireLogin, async (req, res) => {
    res.render('funding/value-review', await reviewPage(req, res));
  });

  router.post('/finanziamenti/progetti/:id/indicatori/:valueId', requireStaff, async (req, res) => {
    const locals = await reviewPage(req, res);
    await formAction(req, res, 'funding/value-review', locals, async () => {
      const state = await reviewValue(platform, actorOf(req), locals.project.id, locals.value.id, req.body);
      flash(req, 'success', msg(state === 'validated' ? 'funding:flash.valueValidated' : 'funding:flash.valueReturned'));
      res.redirect(`/finanziamenti/progetti/${locals.project.id}#indicatori`);
    });
  });

  router.get('/finanziamenti/progetti/:id/modifica', requireLogin, async (req, res) => {
    const project = await projectForEdit(platform, actorOf(req), idParam(req.params.id));
    res.render('funding/project-form', await projectForm(req, res, project, projectValues(project)));
  });

  router.post('/finanziamenti/progetti/:id', requireLogin, async (req, res) => {
    const project = await projectForEdit(platform, actorOf(req), idParam(req.params.id));
    await formAction(req, res, 'funding/project-form', await projectForm(req, res, project, {}), async () => {
      await updateProject(platform, actorOf(req), project.id, req.body);
      flash(req, 'success', msg('funding:flash.projectSaved'));
      res.redirect(`/finanziamenti/progetti/${project.id}`);
    });
  });

  // ---- A body's funding ----

  router.get('/finanziamenti/enti/:id', requireLogin, async (req, res) => {
    const viewer = viewerOf(req);
    const data = await bodyFunding(platform, viewer, idParam(req.params.id));
    const staff = isStaff(viewer);
    const coachId = await coachOf(platform, data.body.id);
    res.render('funding/body', {
      ...base,
      title: tOf(res)('funding:body.title', { name: data.body.name }),
      ...data,
      canEdit: canEditBodyFunding(viewer, data.body.id),
      canSee: canSeeBodyFunding(viewer, data.body.id),
      staff,
      coaches: staff ? await coachOptions() : [],
      values: { coachId: coachId ? String(coachId) : '' },
    });
  });

  router.post('/finanziamenti/enti/:id/referente', requireStaff, async (req, res) => {
    const viewer = viewerOf(req);
    const data = await bodyFunding(platform, viewer, idParam(req.params.id));
    const locals = { ...base, title: tOf(res)('funding:body.title', { name: data.body.name }), ...data, canEdit: true, canSee: true, staff: true, coaches: await coachOptions(), values: {} };
    await formAction(req, res, 'funding/body', locals, async () => {
      await setCoach(platform, actorOf(req), data.body.id, req.body);
      flash(req, 'success', msg('funding:flash.coachSaved'));
      res.redirect(`/finanziamenti/enti/${data.body.id}#referente`);
    });
  });

  return router;
}
