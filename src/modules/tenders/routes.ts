// /gare: the dossiers of the aggregated ICT tenders. Handlers parse, call a service, render or redirect.
import 'express-session';
import { Router, type Request, type Response } from 'express';
import { isBodyUser, isStaff } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { NotFoundError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, refusalMessages, messageTranslatorOf, requireLogin, requireStaff, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { icsResponse, sendBuiltExport, sendCsv, sendOfficeDocument, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, permitUpload, uploadedFiles } from '../../web/uploads.js';
import { deadlinesDashboard, dossierIcs, personalIcs, regenerateFeedToken, revokeFeedToken } from './deadlines.js';
import { addComment, commentForEdit, commentsOf, updateComment } from './comments.js';
import { canEditDossier, canWriteComments } from './policy.js';
import { addDocument, addVersion, documentPage, documentsFor, latestVisibleVersion, versionForDownload } from './documents.js';
import { joinMessages, money } from './messages.js';
import { formatCents } from './money.js';
import { FUNDINGS, Lot, NEEDS_MEASURES, type Dossier } from './models.js';
import { callForm, needsCsvRows, needsPage, openOrUpdateCall, saveAnswer } from './needs.js';
import { invitationOrigin } from './needs-from.js';
import { allPackageExport, dossierPackage } from './opendata.js';
import { fillTemplate, templatePage, typesWithTemplates } from './templates.js';
import {
  CATEGORIES,
  DOCUMENT_TYPES,
  DOCUMENT_VISIBILITIES,
  LOT_STATUSES,
  MILESTONE_KINDS,
  PARTICIPANT_STATUSES,
  PROCEDURES,
  isPhase,
  type Phase,
} from './procurement.js';
import {
  addableEntities,
  addLot,
  addMilestone,
  addParticipant,
  adhesionFile,
  cancelLot,
  createDossier,
  deleteMilestone,
  dossierForEdit,
  dossierForStaff,
  participantForAdhesion,
  dossierPage,
  getLot,
  getMilestone,
  milestoneTitleMessage,
  listDossiers,
  movePhase,
  nextPhase,
  participantsOf,
  peopleOptions,
  contractingBodyOf,
  dossierForComment,
  guideForInput,
  newDossierBody,
  phaseReadiness,
  procedureWarnings,
  procedureWarningsForInput,
  saveAward,
  setMilestoneDone,
  setOwnParticipation,
  updateDossier,
  updateLot,
  updateMilestone,
  updateParticipant,
  uploadAdhesion,
  vocabulary,
} from './service.js';
import { fundingProjectsOfDossier } from '../funding/index.js';

declare module 'express-session' {
  interface SessionData {
    /** A freshly generated personal calendar URL, shown once on the deadlines page. */
    tendersFeedUrl?: string;
  }
}

const assets = { styles: ['/static/app/css/tenders.css'], scripts: ['/static/app/js/tenders.js'] };
const base = { ...assets, ...vocabulary };

/** The translator of the request's language (keys of locales/<lang>/tenders.json). */
type Translate = (key: string, params?: Record<string, unknown>) => string;
const tOf = (res: Response): Translate => res.locals.t as Translate;

/** The procedure warnings in one flash message, after a save. */
function flashWarnings(req: Request, warnings: Array<{ message: string }>): void {
  if (warnings.length) flash(req, 'warning', msg('tenders:flash.checkProcedure', { warnings: joinMessages(warnings.map((w) => w.message)) }));
}

/**
 * An amount as typed in the forms, the reader's way ("250.000,00" in Italian, "250,000.00" in English,
 * as the pages print amounts), which parseEuroToCents reads back either way.
 */
const centsInput = (cents: number | null | undefined, lang: unknown) => {
  if (cents === null || cents === undefined) return '';
  const italian = formatCents(cents).replace('€ ', '');
  return lang === 'en' ? italian.replace(/[.,]/g, (c) => (c === '.' ? ',' : '.')) : italian;
};

/** The one file of a tenders form, or null (throws the upload's refusal, shown next to the file field). */
const fileOf = (req: Request) => uploadedFiles(req)[0] ?? null;

function dossierValues(d: Dossier | null, lang: unknown = 'it'): Record<string, unknown> {
  if (!d) return { category: 'services', procedure: 'procedura_aperta', funding: 'none', isPublic: '' };
  return {
    title: d.title,
    object: d.object,
    category: d.category,
    cpv: d.cpv ?? '',
    procedure: d.procedure,
    estimatedValue: centsInput(d.estimatedValueCents, lang),
    rupUserId: String(d.rupUserId),
    funding: d.funding,
    pnrrMeasure: d.pnrrMeasure ?? '',
    fundingNote: d.fundingNote ?? '',
    cup: d.cup ?? '',
    isPublic: d.isPublic ? 'on' : '',
  };
}

export function tendersRouter(platform: Platform): Router {
  const router = Router();
  const fileUpload = acceptUploads(platform, { field: 'file', maxFiles: 1 });

  // Amounts on the pages read in the reader's language: amount(cents) → "€ 1.234,56" or "€1,234.56".
  router.use('/gare', (_req, res, next) => {
    const tm = messageTranslatorOf(res);
    res.locals.amount = (cents: number) => tm(money(cents));
    next();
  });

  // ---- List and open data ----

  router.get('/gare', async (req, res) => {
    const viewer = viewerOf(req);
    const page = parsePage(req.query as Record<string, unknown>);
    const result = await listDossiers(platform, viewer, req.query, page);
    res.render('tenders/list', {
      ...base,
      title: tOf(res)('tenders:title'),
      ...result,
      categories: CATEGORIES,
      pagination: paginate(result.total, page, '/gare', req.query as Record<string, unknown>),
    });
  });

  router.get('/gare/ocds.json', async (req, res) => {
    const sent = await sendBuiltExport(platform, req, res, allPackageExport(platform), { cacheControl: 'public, max-age=300', headers: { 'Access-Control-Allow-Origin': '*' } });
    if (!sent) res.status(404).json({ error: 'No published tender.' });
  });

  // ---- Create ----

  const formLocals = async (res: Response, dossier: Dossier | null, extra: Record<string, unknown> & { body?: { id: number; name: string } | null } = {}) => ({
    ...base,
    title: dossier ? tOf(res)('tenders:form.editTitle', { title: dossier.title }) : extra.body ? tOf(res)('tenders:form.newOwnTitle', { name: extra.body.name }) : tOf(res)('tenders:newDossier'),
    dossier,
    body: null,
    staff: await peopleOptions(dossier ? (dossier.contractingEntityId ?? null) : (extra.body?.id ?? null), 'rup'),
    categories: CATEGORIES,
    procedures: PROCEDURES,
    fundings: FUNDINGS,
    action: dossier ? `/gare/${dossier.id}` : '/gare',
    warnings: dossier ? procedureWarnings(dossier) : [],
    ...extra,
  });

  router.get('/gare/nuova', requireLogin, async (req, res) => {
    const body = await newDossierBody(actorOf(req), req.query.ente);
    const actor = actorOf(req);
    const values = { ...dossierValues(null), ...(body ? { procedure: 'affidamento_diretto', contractingEntityId: String(body.id) } : {}), rupUserId: !body || actor.entityId === body.id ? String(actor.userId) : '' };
    res.render('tenders/form', { ...(await formLocals(res, null, { body })), values });
  });

  router.post('/gare', requireLogin, async (req, res) => {
    const body = await newDossierBody(actorOf(req), req.body?.contractingEntityId ?? null);
    const locals = await formLocals(res, null, { body, warnings: procedureWarningsForInput(req.body), guide: body ? guideForInput(req.body) : null });
    if (req.body?.check) {
      res.render('tenders/form', { ...locals, values: req.body, checked: true });
      return;
    }
    await formAction(req, res, 'tenders/form', locals, async () => {
      const { dossier, warnings } = await createDossier(platform, actorOf(req), req.body);
      flash(req, 'success', msg('tenders:flash.created', { title: dossier.title }));
      flashWarnings(req, warnings);
      res.redirect(`/gare/${dossier.id}`);
    });
  });

  /** For the form's script: the procedure warnings for the values typed so far. */
  router.get('/gare/verifica-procedura', requireLogin, (req, res) => {
    const tm = messageTranslatorOf(res);
    res.json({ heading: tOf(res)('tenders:warnings.title'), warnings: procedureWarningsForInput(req.query).map((w) => tm(w.message)) });
  });

  // ---- Deadlines dashboard and personal calendar ----

  router.get('/gare/scadenze', requireStaff, async (req, res) => {
    const page = parsePage(req.query as Record<string, unknown>, 30);
    const result = await deadlinesDashboard(platform, actorOf(req), req.query, page);
    const feedUrl = req.session.tendersFeedUrl ?? null;
    delete req.session.tendersFeedUrl;
    res.render('tenders/deadlines', { ...base, title: tOf(res)('tenders:deadlines'), ...result, feedUrl, pagination: paginate(result.total, page, '/gare/scadenze', req.query as Record<string, unknown>) });
  });

  router.post('/gare/scadenze/calendario', requireStaff, async (req, res) => {
    req.session.tendersFeedUrl = await regenerateFeedToken(platform, actorOf(req));
    flash(req, 'success', 'tenders:flash.feedCreated');
    res.redirect('/gare/scadenze#calendario');
  });

  router.post('/gare/scadenze/calendario/revoca', requireStaff, async (req, res) => {
    await revokeFeedToken(platform, actorOf(req));
    flash(req, 'success', 'tenders:flash.feedRevoked');
    res.redirect('/gare/scadenze#calendario');
  });

  router.get('/gare/calendario/:token.ics', async (req, res) => {
    icsResponse(res, await personalIcs(platform, String(req.params.token), tOf(res)), { filename: 'scadenze-gare.ics', disposition: 'inline' });
  });

  // ---- One dossier ----

  router.get('/gare/:id', async (req, res) => {
    const viewer = viewerOf(req);
    const data = await dossierPage(platform, viewer, idParam(req.params.id));
    const [documents, comments, templateTypes] = await Promise.all([
      documentsFor(platform, viewer, data.dossier.id, data.access),
      commentsOf(platform, viewer, data.dossier.id, data.access),
      data.guide ? typesWithTemplates() : [],
    ]);
    // The funded projects of the dossier's CUP (or linked to it), those the viewer may see.
    const fundedProjects = await fundingProjectsOfDossier(platform, viewer, { id: data.dossier.id, cup: data.dossier.cup });
    res.render('tenders/show', { ...base, title: data.dossier.title, ...data, documents, comments, templateTypes, fundedProjects, isBodyUser: isBodyUser(viewer) });
  });

  router.get('/gare/:id/modifica', requireLogin, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    const values = dossierValues(dossier, res.locals.lang);
    res.render('tenders/form', { ...(await formLocals(res, dossier, { body: await contractingBodyOf(dossier), guide: dossier.contractingEntityId ? guideForInput(values) : null })), values });
  });

  router.post('/gare/:id', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const dossier = await dossierForEdit(actorOf(req), id);
    const locals = await formLocals(res, dossier, { body: await contractingBodyOf(dossier), warnings: procedureWarningsForInput(req.body), guide: dossier.contractingEntityId ? guideForInput(req.body) : null });
    if (req.body?.check) {
      res.render('tenders/form', { ...locals, values: req.body, checked: true });
      return;
    }
    await formAction(req, res, 'tenders/form', locals, async () => {
      const { warnings } = await updateDossier(platform, actorOf(req), id, req.body);
      flash(req, 'success', 'tenders:flash.updated');
      flashWarnings(req, warnings);
      res.redirect(`/gare/${id}`);
    });
  });

  router.get('/gare/:id/ocds.json', async (req, res) => {
    const pkg = await dossierPackage(platform, idParam(req.params.id));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(pkg);
  });

  router.get('/gare/:id/scadenze.ics', async (req, res) => {
    const { filename, calendar } = await dossierIcs(platform, viewerOf(req), idParam(req.params.id), tOf(res));
    icsResponse(res, calendar, { filename });
  });

  // ---- Lots ----

  const lotLocals = (res: Response, dossier: Dossier, lot: { id: number; number: number; title: string } | null) => ({
    ...base,
    title: lot ? tOf(res)('tenders:lot.editTitle', { number: lot.number }) : tOf(res)('tenders:lot.newTitle'),
    dossier,
    lot,
    lotStatuses: LOT_STATUSES.filter((s) => s !== 'cancelled'),
    action: lot ? `/gare/${dossier.id}/lotti/${lot.id}` : `/gare/${dossier.id}/lotti`,
  });

  router.get('/gare/:id/lotti/nuovo', requireLogin, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    const next = ((await Lot.max('number', { where: { dossierId: dossier.id } })) as number | null) ?? 0;
    res.render('tenders/lot-form', { ...lotLocals(res, dossier, null), values: { number: String(next + 1), status: '' } });
  });

  router.post('/gare/:id/lotti', requireLogin, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    await formAction(req, res, 'tenders/lot-form', lotLocals(res, dossier, null), async () => {
      const lot = await addLot(platform, actorOf(req), dossier.id, req.body);
      flash(req, 'success', msg('tenders:flash.lotAdded', { number: lot.number }));
      res.redirect(`/gare/${dossier.id}#lotti`);
    });
  });

  router.get('/gare/:id/lotti/:lotId/modifica', requireLogin, async (req, res) => {
    const { dossier, lot } = await getLot(actorOf(req), idParam(req.params.id), idParam(req.params.lotId));
    res.render('tenders/lot-form', {
      ...lotLocals(res, dossier, lot),
      values: { number: String(lot.number), title: lot.title, description: lot.description ?? '', cig: lot.cig ?? '', value: centsInput(lot.valueCents, res.locals.lang), status: lot.status },
    });
  });

  router.post('/gare/:id/lotti/:lotId', requireLogin, async (req, res) => {
    const { dossier, lot } = await getLot(actorOf(req), idParam(req.params.id), idParam(req.params.lotId));
    await formAction(req, res, 'tenders/lot-form', lotLocals(res, dossier, lot), async () => {
      await updateLot(platform, actorOf(req), dossier.id, lot.id, req.body);
      flash(req, 'success', msg('tenders:flash.lotUpdated', { number: lot.number }));
      res.redirect(`/gare/${dossier.id}#lotti`);
    });
  });

  const cancelLotLocals = (res: Response, dossier: Dossier, lot: { id: number; number: number; title: string }) => ({ ...base, title: tOf(res)('tenders:lot.cancelTitle', { number: lot.number }), dossier, lot });

  router.get('/gare/:id/lotti/:lotId/annulla', requireLogin, async (req, res) => {
    const { dossier, lot } = await getLot(actorOf(req), idParam(req.params.id), idParam(req.params.lotId));
    res.render('tenders/lot-cancel', { ...cancelLotLocals(res, dossier, lot), values: {} });
  });

  router.post('/gare/:id/lotti/:lotId/annulla', requireLogin, async (req, res) => {
    const { dossier, lot } = await getLot(actorOf(req), idParam(req.params.id), idParam(req.params.lotId));
    await formAction(req, res, 'tenders/lot-cancel', cancelLotLocals(res, dossier, lot), async () => {
      await cancelLot(platform, actorOf(req), dossier.id, lot.id, req.body);
      flash(req, 'success', msg('tenders:flash.lotCancelled', { number: lot.number }));
      res.redirect(`/gare/${dossier.id}#lotti`);
    });
  });

  // ---- Milestones ----

  const milestoneLocals = async (res: Response, dossier: Dossier, milestone: Parameters<typeof base.milestoneTitle>[0] & { id: number } | null) => ({
    ...base,
    title: milestone ? tOf(res)('tenders:milestone.editTitle', { title: base.milestoneTitle(milestone, tOf(res)) }) : tOf(res)('tenders:milestone.newTitle'),
    dossier,
    milestone,
    kinds: MILESTONE_KINDS,
    staff: await peopleOptions(dossier.contractingEntityId ?? null, 'owner'),
    action: milestone ? `/gare/${dossier.id}/scadenze/${milestone.id}` : `/gare/${dossier.id}/scadenze`,
  });

  router.get('/gare/:id/scadenze/nuova', requireLogin, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    res.render('tenders/milestone-form', { ...(await milestoneLocals(res, dossier, null)), values: { ownerUserId: String(dossier.rupUserId), kind: 'other' } });
  });

  router.post('/gare/:id/scadenze', requireLogin, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    await formAction(req, res, 'tenders/milestone-form', await milestoneLocals(res, dossier, null), async () => {
      const m = await addMilestone(platform, actorOf(req), dossier.id, req.body);
      flash(req, 'success', msg('tenders:flash.milestoneAdded', { title: milestoneTitleMessage(m) }));
      res.redirect(`/gare/${dossier.id}#scadenze`);
    });
  });

  router.get('/gare/:id/scadenze/:mid/modifica', requireLogin, async (req, res) => {
    const { dossier, milestone } = await getMilestone(actorOf(req), idParam(req.params.id), idParam(req.params.mid));
    res.render('tenders/milestone-form', {
      ...(await milestoneLocals(res, dossier, milestone)),
      values: { kind: milestone.kind, title: milestone.title, dueOn: milestone.dueOn, dueTime: milestone.dueTime ?? '', ownerUserId: String(milestone.ownerUserId ?? ''), note: milestone.note ?? '' },
    });
  });

  router.post('/gare/:id/scadenze/:mid', requireLogin, async (req, res) => {
    const { dossier, milestone } = await getMilestone(actorOf(req), idParam(req.params.id), idParam(req.params.mid));
    await formAction(req, res, 'tenders/milestone-form', await milestoneLocals(res, dossier, milestone), async () => {
      await updateMilestone(platform, actorOf(req), dossier.id, milestone.id, req.body);
      flash(req, 'success', 'tenders:flash.milestoneUpdated');
      res.redirect(`/gare/${dossier.id}#scadenze`);
    });
  });

  router.post('/gare/:id/scadenze/:mid/completata', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const m = await setMilestoneDone(platform, actorOf(req), id, idParam(req.params.mid), req.body?.done !== '0');
    flash(req, 'success', msg(m.doneAt ? 'tenders:flash.milestoneDone' : 'tenders:flash.milestoneReopened', { title: milestoneTitleMessage(m) }));
    res.redirect(typeof req.body?.back === 'string' && req.body.back === 'dashboard' ? '/gare/scadenze' : `/gare/${id}#scadenze`);
  });

  router.post('/gare/:id/scadenze/:mid/elimina', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    try {
      await deleteMilestone(platform, actorOf(req), id, idParam(req.params.mid));
      flash(req, 'success', 'tenders:flash.milestoneDeleted');
    } catch (err) {
      if (!(err instanceof Error) || !('status' in err) || (err as { status: number }).status !== 409) throw err;
      flash(req, 'danger', err.message);
    }
    res.redirect(`/gare/${id}#scadenze`);
  });

  // ---- Phases ----

  const phaseLocals = async (res: Response, dossier: Dossier, to: Phase) => ({
    ...base,
    title: to === 'cancelled' ? tOf(res)('tenders:phasePage.cancelTitle') : tOf(res)('tenders:phasePage.moveTitle', { phase: tOf(res)(`tenders:phase.${to}`) }),
    dossier,
    to,
    readiness: await phaseReadiness(dossier, to, 'motivo'),
  });

  router.get('/gare/:id/fase', requireLogin, async (req, res) => {
    const dossier = await dossierForStaff(actorOf(req), idParam(req.params.id), 'tenders.phase');
    const next = nextPhase(dossier.phase);
    const to = isPhase(req.query.to) ? req.query.to : next;
    if (!to || (to !== 'cancelled' && to !== next)) {
      flash(req, 'warning', 'tenders:flash.phaseRefused');
      res.redirect(`/gare/${dossier.id}`);
      return;
    }
    res.render('tenders/phase', { ...(await phaseLocals(res, dossier, to)), values: { to } });
  });

  router.post('/gare/:id/fase', requireLogin, async (req, res) => {
    const dossier = await dossierForStaff(actorOf(req), idParam(req.params.id), 'tenders.phase');
    const to: Phase = isPhase(req.body?.to) ? req.body.to : (nextPhase(dossier.phase) ?? 'cancelled');
    await formAction(req, res, 'tenders/phase', await phaseLocals(res, dossier, to), async () => {
      const d = await movePhase(platform, actorOf(req), dossier.id, req.body);
      flash(req, 'success', d.phase === 'cancelled' ? 'tenders:flash.cancelled' : msg('tenders:flash.phaseChanged', { phase: msg(`tenders:phase.${d.phase}`) }));
      res.redirect(`/gare/${dossier.id}`);
    });
  });

  // ---- Award and contract ----

  const awardLocals = (res: Response, dossier: Dossier) => ({ ...base, title: tOf(res)('tenders:award.title'), dossier });

  router.get('/gare/:id/aggiudicazione', requireLogin, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    res.render('tenders/award', {
      ...awardLocals(res, dossier),
      values: {
        awardSupplierName: dossier.awardSupplierName ?? '',
        awardSupplierFiscalCode: dossier.awardSupplierFiscalCode ?? '',
        awardValue: centsInput(dossier.awardValueCents, res.locals.lang),
        awardDate: dossier.awardDate ?? '',
        contractValue: centsInput(dossier.contractValueCents, res.locals.lang),
        contractSignedOn: dossier.contractSignedOn ?? '',
      },
    });
  });

  router.post('/gare/:id/aggiudicazione', requireLogin, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    await formAction(req, res, 'tenders/award', awardLocals(res, dossier), async () => {
      await saveAward(platform, actorOf(req), dossier.id, req.body);
      flash(req, 'success', 'tenders:flash.awardSaved');
      res.redirect(`/gare/${dossier.id}#aggiudicazione`);
    });
  });

  // ---- Participants ----

  const participantLocals = async (res: Response, dossier: Dossier, participant: { id: number; entityName: string } | null) => ({
    ...base,
    title: participant ? tOf(res)('tenders:participant.editTitle', { name: participant.entityName }) : tOf(res)('tenders:participant.newTitle'),
    dossier,
    participant,
    statuses: PARTICIPANT_STATUSES,
    entities: participant ? [] : await addableEntities(platform, dossier.id),
    action: participant ? `/gare/${dossier.id}/partecipanti/${participant.id}` : `/gare/${dossier.id}/partecipanti`,
  });

  router.get('/gare/:id/partecipanti/nuovo', requireStaff, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    res.render('tenders/participant-form', { ...(await participantLocals(res, dossier, null)), values: { status: 'invited' } });
  });

  router.post('/gare/:id/partecipanti', requireStaff, async (req, res) => {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    await formAction(req, res, 'tenders/participant-form', await participantLocals(res, dossier, null), async () => {
      await addParticipant(platform, actorOf(req), dossier.id, req.body);
      flash(req, 'success', 'tenders:flash.participantAdded');
      res.redirect(`/gare/${dossier.id}#partecipanti`);
    });
  });

  async function participantFor(req: Request) {
    const dossier = await dossierForEdit(actorOf(req), idParam(req.params.id));
    const p = (await participantsOf(platform, dossier.id)).find((x) => x.id === idParam(req.params.pid));
    if (!p) throw new NotFoundError('tenders:error.participantNotFound');
    return { dossier, p };
  }

  router.get('/gare/:id/partecipanti/:pid/modifica', requireStaff, async (req, res) => {
    const { dossier, p } = await participantFor(req);
    res.render('tenders/participant-form', { ...(await participantLocals(res, dossier, p)), values: { status: p.status, share: centsInput(p.shareCents, res.locals.lang), note: p.note ?? '' } });
  });

  router.post('/gare/:id/partecipanti/:pid', requireStaff, async (req, res) => {
    const { dossier, p } = await participantFor(req);
    await formAction(req, res, 'tenders/participant-form', await participantLocals(res, dossier, p), async () => {
      await updateParticipant(platform, actorOf(req), dossier.id, p.id, req.body);
      flash(req, 'success', msg('tenders:flash.participantUpdated', { name: p.entityName }));
      res.redirect(`/gare/${dossier.id}#partecipanti`);
    });
  });

  router.post('/gare/:id/partecipanti/:pid/adesione', requireLogin, permitUpload((req) => participantForAdhesion(actorOf(req), idParam(req.params.id), idParam(req.params.pid))), fileUpload, async (req, res) => {
    const id = idParam(req.params.id);
    try {
      await uploadAdhesion(platform, actorOf(req), id, idParam(req.params.pid), fileOf(req));
      flash(req, 'success', 'tenders:flash.adhesionUploaded');
    } catch (err) {
      const refused = refusalMessages(err);
      if (!refused) throw err;
      flash(req, 'danger', joinMessages(refused));
    }
    res.redirect(`/gare/${id}#partecipanti`);
  });

  router.get('/gare/:id/partecipanti/:pid/adesione', requireLogin, async (req, res) => {
    const { fileId } = await adhesionFile(viewerOf(req), idParam(req.params.id), idParam(req.params.pid));
    await sendStoredFile(platform, res, fileId);
  });

  router.post('/gare/:id/partecipazione', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const p = await setOwnParticipation(platform, actorOf(req), id, req.body?.status);
    flash(req, 'success', p.status === 'withdrawn' ? 'tenders:flash.withdrawn' : 'tenders:flash.interested');
    res.redirect(`/gare/${id}#partecipanti`);
  });

  // ---- Documents ----

  const documentLocals = async (res: Response, dossier: Dossier) => {
    return {
      ...base,
      title: tOf(res)('tenders:document.newTitle'),
      dossier,
      lots: await Lot.findAll({ where: { dossierId: dossier.id }, order: [['number', 'ASC']] }),
      types: DOCUMENT_TYPES,
      visibilities: DOCUMENT_VISIBILITIES,
    };
  };

  router.get('/gare/:id/documenti/nuovo', requireLogin, async (req, res) => {
    const dossier = await dossierForStaff(actorOf(req), idParam(req.params.id), 'tenders.document-add');
    res.render('tenders/document-form', { ...(await documentLocals(res, dossier)), templateTypes: await typesWithTemplates(), values: { visibility: 'staff', type: typeof req.query.tipo === 'string' ? req.query.tipo : '' } });
  });

  router.post('/gare/:id/documenti', requireLogin, permitUpload((req) => dossierForStaff(actorOf(req), idParam(req.params.id), 'tenders.document-add')), fileUpload, async (req, res) => {
    const dossier = await dossierForStaff(actorOf(req), idParam(req.params.id), 'tenders.document-add');
    await formAction(req, res, 'tenders/document-form', await documentLocals(res, dossier), async () => {
      const doc = await addDocument(platform, actorOf(req), dossier.id, req.body, fileOf(req));
      flash(req, 'success', msg('tenders:flash.documentAdded', { title: doc.title }));
      res.redirect(`/gare/${dossier.id}#documenti`);
    });
  });

  // ---- A document from a catalogue template: filled with the dossier's data, downloaded as DOCX ----

  const templateLocals = async (req: Request, res: Response, type: unknown, preselected?: unknown) => {
    const data = await templatePage(actorOf(req), idParam(req.params.id), type, preselected);
    return { ...base, title: tOf(res)('tenders:templateFill.title', { type: tOf(res)(`tenders:documentType.${data.type}`) }), ...data };
  };

  router.get('/gare/:id/documenti/modello', requireLogin, async (req, res) => {
    const locals = await templateLocals(req, res, req.query.tipo, req.query.modello);
    const { dossier, templates } = locals;
    const template = typeof req.query.modello === 'string' ? req.query.modello : templates.length === 1 ? templates[0].slug : '';
    res.render('tenders/template-form', { ...locals, values: { template, supplier: dossier.awardSupplierName ?? '', supplierFiscalCode: dossier.awardSupplierFiscalCode ?? '' } });
  });

  router.post('/gare/:id/documenti/modello', requireLogin, async (req, res) => {
    const locals = await templateLocals(req, res, req.body?.type);
    await formAction(req, res, 'tenders/template-form', locals, async () => {
      const { filename, content } = await fillTemplate(platform, actorOf(req), locals.dossier.id, req.body);
      sendOfficeDocument(res, { filename, format: 'docx', content });
    });
  });

  const documentPageLocals = async (req: Request, dossierId: number, documentId: number) => {
    const viewer = viewerOf(req);
    const data = await documentPage(platform, viewer, dossierId, documentId);
    const comments = (await commentsOf(platform, viewer, dossierId, data.access)).filter((c) => c.documentId === documentId);
    return { ...base, title: data.document.title, ...data, comments, canComment: canWriteComments(viewer) && data.dossier.contractingEntityId !== null, visibilities: DOCUMENT_VISIBILITIES, staffView: canEditDossier(viewer, data.access) };
  };

  router.get('/gare/:id/documenti/:docId', async (req, res) => {
    const locals = await documentPageLocals(req, idParam(req.params.id), idParam(req.params.docId));
    res.render('tenders/document', { ...locals, values: { visibility: locals.document.latest.visibility } });
  });

  router.post('/gare/:id/documenti/:docId/versioni', requireLogin, permitUpload((req) => dossierForStaff(actorOf(req), idParam(req.params.id), 'tenders.document-version')), fileUpload, async (req, res) => {
    const dossierId = idParam(req.params.id);
    const documentId = idParam(req.params.docId);
    const locals = await documentPageLocals(req, dossierId, documentId);
    await formAction(req, res, 'tenders/document', locals, async () => {
      const v = await addVersion(platform, actorOf(req), dossierId, documentId, req.body, fileOf(req));
      flash(req, 'success', msg('tenders:flash.versionAdded', { version: v.version }));
      res.redirect(`/gare/${dossierId}/documenti/${documentId}`);
    });
  });

  router.get('/gare/:id/documenti/:docId/scarica', async (req, res) => {
    const v = await latestVisibleVersion(viewerOf(req), idParam(req.params.id), idParam(req.params.docId));
    await sendStoredFile(platform, res, v.fileId, { name: v.originalName });
  });

  router.get('/gare/:id/documenti/:docId/versioni/:vid', async (req, res) => {
    const v = await versionForDownload(viewerOf(req), idParam(req.params.id), idParam(req.params.docId), idParam(req.params.vid));
    await sendStoredFile(platform, res, v.fileId, { name: v.originalName });
  });

  // ---- The centre's comments (own dossiers) ----

  const commentLocals = (res: Response, dossier: Dossier, comment: { id: number } | null, target: { documentId?: string; phase?: string }) => ({
    ...base,
    title: tOf(res)(comment ? 'tenders:comment.editTitle' : 'tenders:comment.newTitle'),
    dossier,
    comment,
    target,
    action: comment ? `/gare/${dossier.id}/commenti/${comment.id}` : `/gare/${dossier.id}/commenti`,
  });

  router.post('/gare/:id/commenti', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const dossier = await dossierForComment(actorOf(req), id);
    const target = { documentId: typeof req.body?.documentId === 'string' ? req.body.documentId : '', phase: typeof req.body?.phase === 'string' ? req.body.phase : '' };
    await formAction(req, res, 'tenders/comment-form', commentLocals(res, dossier, null, target), async () => {
      const c = await addComment(platform, actorOf(req), id, req.body);
      flash(req, 'success', 'tenders:flash.commentAdded');
      res.redirect(c.documentId ? `/gare/${id}/documenti/${c.documentId}#commenti` : `/gare/${id}#commenti-${c.phase}`);
    });
  });

  router.get('/gare/:id/commenti/:cid/modifica', requireLogin, async (req, res) => {
    const { dossier, comment } = await commentForEdit(actorOf(req), idParam(req.params.id), idParam(req.params.cid));
    res.render('tenders/comment-form', { ...commentLocals(res, dossier, comment, {}), values: { body: comment.body } });
  });

  router.post('/gare/:id/commenti/:cid', requireLogin, async (req, res) => {
    const { dossier, comment } = await commentForEdit(actorOf(req), idParam(req.params.id), idParam(req.params.cid));
    await formAction(req, res, 'tenders/comment-form', commentLocals(res, dossier, comment, {}), async () => {
      const c = await updateComment(platform, actorOf(req), dossier.id, comment.id, req.body);
      flash(req, 'success', 'tenders:flash.commentUpdated');
      res.redirect(c.documentId ? `/gare/${dossier.id}/documenti/${c.documentId}#commenti` : `/gare/${dossier.id}#commenti-${c.phase}`);
    });
  });

  // ---- Needs collection ----

  const needsLocals = async (req: Request, res: Response, dossierId: number, entityParam: unknown = req.query.ente) => {
    const viewer = viewerOf(req);
    const forEntity = isStaff(viewer) && typeof entityParam === 'string' ? idParam(entityParam) : null;
    const data = await needsPage(platform, viewer, dossierId, new Date(), forEntity);
    const origin = data.call && data.entity ? await invitationOrigin(platform, data.call.id, data.entity.id) : null;
    return { ...base, title: tOf(res)('tenders:needs.pageTitle', { title: data.dossier.title }), ...data, origin, staffView: isStaff(viewer) };
  };

  router.get('/gare/:id/fabbisogni', requireLogin, async (req, res) => {
    const locals = await needsLocals(req, res, idParam(req.params.id));
    const values: Record<string, string> = {};
    if (locals.own) {
      for (const item of locals.items) {
        const v = locals.own.values.get(item.id);
        if (v) values[`q_${item.id}`] = item.measure === 'amount' ? centsInput(v.amountCents, res.locals.lang) : v.quantity === null ? '' : String(v.quantity);
      }
      values.notes = locals.own.answer?.notes ?? '';
    }
    res.render('tenders/needs', { ...locals, values });
  });

  router.post('/gare/:id/fabbisogni/risposta', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const viewer = viewerOf(req);
    // Staff record an answer for the body named in the form; the page is re-rendered for that body.
    const locals = await needsLocals(req, res, id, isStaff(viewer) ? req.body?.entityId : undefined);
    await formAction(req, res, 'tenders/needs', locals, async () => {
      const { updated, entityId } = await saveAnswer(platform, actorOf(req), id, req.body);
      flash(req, 'success', updated ? 'tenders:flash.needsUpdated' : 'tenders:flash.needsSent');
      res.redirect(isStaff(viewer) ? `/gare/${id}/fabbisogni?ente=${entityId}` : `/gare/${id}/fabbisogni`);
    });
  });

  const callLocals = async (req: Request, res: Response, dossierId: number) => {
    const data = await callForm(platform, actorOf(req), dossierId);
    return { ...base, title: tOf(res)(data.call ? 'tenders:needsCall.editTitle' : 'tenders:needsCall.openTitle'), ...data, measures: NEEDS_MEASURES };
  };

  router.get('/gare/:id/fabbisogni/avvio', requireStaff, async (req, res) => {
    const locals = await callLocals(req, res, idParam(req.params.id));
    const blank = 4;
    const items = [...locals.items.map((i) => ({ id: String(i.id), label: i.label, unit: i.unit ?? '', measure: i.measure, description: i.description ?? '' })), ...Array.from({ length: blank }, () => ({ id: '', label: '', unit: '', measure: 'quantity', description: '' }))];
    res.render('tenders/needs-call', {
      ...locals,
      values: {
        deadlineOn: locals.call?.deadlineOn ?? '',
        instructions: locals.call?.instructions ?? '',
        invite: 'chosen',
        entityIds: locals.invited.map(String),
        itemId: items.map((i) => i.id),
        itemLabel: items.map((i) => i.label),
        itemUnit: items.map((i) => i.unit),
        itemMeasure: items.map((i) => i.measure),
        itemDescription: items.map((i) => i.description),
      },
    });
  });

  router.post('/gare/:id/fabbisogni/avvio', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    const locals = await callLocals(req, res, id);
    await formAction(req, res, 'tenders/needs-call', locals, async () => {
      const { invitedNow } = await openOrUpdateCall(platform, actorOf(req), id, req.body);
      flash(req, 'success', locals.call ? (invitedNow ? msg('tenders:flash.callUpdatedInvited', { count: invitedNow }) : 'tenders:flash.callUpdated') : msg('tenders:flash.callOpened', { count: invitedNow }));
      res.redirect(`/gare/${id}/fabbisogni`);
    });
  });

  router.get('/gare/:id/fabbisogni.csv', requireStaff, async (req, res) => {
    const { filename, header, rows } = await needsCsvRows(platform, actorOf(req), idParam(req.params.id));
    const tm = messageTranslatorOf(res);
    const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? cell : tm(cell.message))));
    await sendCsv(platform, res, { filename, rows: [header.map((h) => tm(h)), ...cells] });
  });

  return router;
}
