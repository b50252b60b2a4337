// /formazione: the public calendar, cycles and sessions, registrations and the waiting list,
// attendance, certificates and their public check, the hours ledger. Handlers parse, call a
// service, render or redirect.
import { Router, type Request, type Response } from 'express';
import { isStaff } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, localPath, refusalMessages, requireLogin, requireStaff, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { icsResponse, sendCsv, sendPdf, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, permitUpload, readUpload, uploadedFiles } from '../../web/uploads.js';
import { attendancePage, importParticipants, registerOf, saveAttendance, type ImportReport } from './attendance.js';
import { certificateFilename, certificateForDownload, certificateQr, certificateTitle, writeCertificate, certificatesOfCycle, certificatesOfUser, issueCertificates, revokeCertificate, verifyCode } from './certificates.js';
import { answerSurvey, citizenCounts, cycleCountsRows, feedUrl, hasFeed, personalFeed, saveCitizenCounts, sessionCalendar, surveyState, surveySummary } from './extras.js';
import { trainingNeeds } from './needs.js';
import { assertCanRecordExternalHours, bodiesTotals, bodyLedger, bodyRows, externalFile, parseYear, personLedger, recordExternalHours } from './ledger.js';
import { addMaterial, canManageMaterials, materialFile, removeMaterial } from './materials.js';
import { canManageTraining, canRegisterOthers, registersColleagues } from './policy.js';
import { acceptOffer, cancelRegistration, confirmCitizenSeat, declineOffer, registerToCycle, registerToSession, requestCitizenSeat, runWaitingList, showOffer } from './registrations.js';
import { AGE_BANDS, AUDIENCES, GENDERS, LEVELS, MATERIAL_KINDS, MODES, CYCLE_STATES, ATTENDANCE } from './schemas.js';
import { calendar, cancelSession, createCycle, createSession, cyclePage, getCycle, getSession, parseFilters, sessionPage, sessionRegistrations, upcomingOfUser, updateCycle, updateSession, vocabulary, type CycleView, type SessionView } from './service.js';
import { DateTime } from 'luxon';

type Translate = (key: string, params?: Record<string, unknown>) => string;
const tOf = (res: Response): Translate => res.locals.t as Translate;
const base = { AUDIENCES, MODES, LEVELS, CYCLE_STATES, ATTENDANCE, AGE_BANDS, GENDERS, competences: vocabulary.competences(), competenceLabel: vocabulary.competenceLabel, styles: ['/static/app/css/training.css'] };

function cycleValues(c: CycleView | null): Record<string, unknown> {
  if (!c) return { audience: 'staff', level: 'base', attendancePercent: '80', offerHours: '24', retentionDays: '90', state: 'published', competences: [] };
  return {
    title: c.title,
    description: c.description,
    audience: c.audience,
    competences: c.competences,
    level: c.level,
    hours: String(c.hours).replace('.', ','),
    organiser: c.organiser,
    speakers: c.speakers,
    attendancePercent: String(c.attendancePercent),
    offerHours: String(c.offerHours),
    seatsPerBody: c.seatsPerBody === null ? '' : String(c.seatsPerBody),
    reservedUntil: c.reservedUntil ?? '',
    retentionDays: String(c.retentionDays),
    state: c.state,
  };
}

function sessionValues(s: SessionView | null): Record<string, unknown> {
  if (!s) return { mode: 'online', durationMinutes: '60', capacity: '100', time: '10:00' };
  const at = DateTime.fromJSDate(s.startsAt).setZone('Europe/Rome');
  return { title: s.title, day: at.toISODate(), time: at.toFormat('HH:mm'), durationMinutes: String(s.durationMinutes), mode: s.mode, link: s.link ?? '', place: s.place ?? '', capacity: String(s.capacity), speakerEmail: '' };
}

const back = (req: Request, fallback: string) => localPath((req.body as Record<string, unknown> | undefined)?.back, fallback);

/** A POST answered with flash messages: bad input and conflicts go back to the page as a warning. */
async function flashAction(req: Request, res: Response, fallback: string, action: () => Promise<string | void>): Promise<void> {
  try {
    const to = await action();
    res.redirect(to ?? back(req, fallback));
  } catch (err) {
    const messages = refusalMessages(err) ?? (err instanceof ConflictError ? [err.message] : null);
    if (!messages) throw err;
    for (const m of messages) flash(req, 'danger', m);
    res.redirect(back(req, fallback));
  }
}

export function trainingRouter(platform: Platform): Router {
  const router = Router();
  const csvUpload = acceptUploads(platform, { field: 'file', maxFiles: 1, maxBytes: 5 * 1024 * 1024 });
  const certificateUpload = acceptUploads(platform, { field: 'certificate', maxFiles: 1 });
  const materialUpload = acceptUploads(platform, { field: 'file', maxFiles: 1 });

  // ---- The public calendar ----

  router.get('/formazione', async (req, res) => {
    const viewer = viewerOf(req);
    const query = req.query as Record<string, unknown>;
    const filters = parseFilters(query);
    const page = parsePage(query);
    const result = await calendar(platform, viewer, filters, { limit: page.perPage, offset: page.offset });
    res.render('training/calendar', {
      ...base,
      title: tOf(res)('training:calendar.title'),
      filters,
      ...result,
      canManage: canManageTraining(viewer),
      monthTitle: result.month ? new Intl.DateTimeFormat(res.locals.lang === 'en' ? 'en-GB' : 'it-IT', { month: 'long', year: 'numeric', timeZone: 'Europe/Rome' }).format(new Date(`${result.month.label}T12:00:00Z`)) : '',
      query,
      pagination: filters.view === 'list' ? paginate(result.total, page, '/formazione', query) : null,
    });
  });

  // ---- Cycles ----

  const cycleForm = (res: Response, cycle: CycleView | null, values: Record<string, unknown>) => ({
    ...base,
    title: cycle ? tOf(res)('training:cycleForm.editTitle') : tOf(res)('training:cycleForm.newTitle'),
    cycle,
    values,
    action: cycle ? `/formazione/cicli/${cycle.id}` : '/formazione/cicli',
  });

  router.get('/formazione/cicli/nuovo', requireStaff, (_req, res) => res.render('training/cycle-form', cycleForm(res, null, cycleValues(null))));

  router.post('/formazione/cicli', requireStaff, async (req, res) => {
    await formAction(req, res, 'training/cycle-form', cycleForm(res, null, {}), async () => {
      const cycle = await createCycle(platform, actorOf(req), req.body);
      flash(req, 'success', msg('training:flash.cycleCreated', { title: cycle.title }));
      res.redirect(`/formazione/cicli/${cycle.id}`);
    });
  });

  router.get('/formazione/cicli/:id', async (req, res) => {
    const viewer = viewerOf(req);
    const page = await cyclePage(platform, viewer, idParam(req.params.id));
    res.render('training/cycle', {
      ...base,
      title: page.cycle.title,
      ...page,
      canManage: canManageTraining(viewer),
      registersColleagues: registersColleagues(viewer),
      colleagues: [],
      certificates: isStaff(viewer) ? await certificatesOfCycle(platform, page.cycle.id) : [],
    });
  });

  router.get('/formazione/cicli/:id/modifica', requireStaff, async (req, res) => {
    const cycle = await getCycle(viewerOf(req), idParam(req.params.id));
    res.render('training/cycle-form', cycleForm(res, cycle, cycleValues(cycle)));
  });

  router.post('/formazione/cicli/:id', requireStaff, async (req, res) => {
    const cycle = await getCycle(viewerOf(req), idParam(req.params.id));
    await formAction(req, res, 'training/cycle-form', cycleForm(res, cycle, {}), async () => {
      await updateCycle(platform, actorOf(req), cycle.id, req.body);
      flash(req, 'success', msg('training:flash.cycleSaved'));
      res.redirect(`/formazione/cicli/${cycle.id}`);
    });
  });

  router.post('/formazione/cicli/:id/iscrizione', requireLogin, async (req, res) => {
    const cycleId = idParam(req.params.id);
    await flashAction(req, res, `/formazione/cicli/${cycleId}`, async () => {
      const results = await registerToCycle(platform, actorOf(req), cycleId, req.body);
      const confirmed = results.filter((r) => r.state === 'confirmed').length;
      flash(req, 'success', msg('training:flash.cycleRegistered', { confirmed, waiting: results.length - confirmed }));
    });
  });

  router.post('/formazione/cicli/:id/attestati', requireStaff, async (req, res) => {
    const cycleId = idParam(req.params.id);
    await flashAction(req, res, `/formazione/cicli/${cycleId}`, async () => {
      const raw = (req.body as Record<string, unknown>).userId;
      const userId = typeof raw === 'string' && raw ? idParam(raw) : undefined;
      const { issued } = await issueCertificates(platform, actorOf(req), cycleId, { userId });
      flash(req, issued ? 'success' : 'info', msg('training:flash.certificatesIssued', { count: issued }));
    });
  });

  router.get('/formazione/cicli/:id/conteggi.csv', requireStaff, async (req, res) => {
    const cycle = await getCycle(viewerOf(req), idParam(req.params.id));
    const t = tOf(res);
    await sendCsv(platform, res, {
      filename: `partecipanti-anonimi-ciclo-${cycle.id}.csv`,
      rows: (async function* () {
        yield [t('training:csv.day'), t('training:csv.session'), t('training:csv.ageBand'), t('training:csv.gender'), t('training:csv.people'), t('training:csv.registered')];
        for await (const row of cycleCountsRows(platform, cycle.id)) yield [row[0], row[1], row[2], t(`training:gender.${String(row[3])}`), row[4], row[5]];
      })(),
    });
  });

  // ---- Sessions ----

  const sessionForm = (res: Response, cycle: CycleView, session: SessionView | null, values: Record<string, unknown>) => ({
    ...base,
    title: session ? tOf(res)('training:sessionForm.editTitle') : tOf(res)('training:sessionForm.newTitle'),
    cycle,
    session,
    values,
    action: session ? `/formazione/sessioni/${session.id}` : `/formazione/cicli/${cycle.id}/sessioni`,
  });

  router.get('/formazione/cicli/:id/sessioni/nuova', requireStaff, async (req, res) => {
    const cycle = await getCycle(viewerOf(req), idParam(req.params.id));
    res.render('training/session-form', sessionForm(res, cycle, null, sessionValues(null)));
  });

  router.post('/formazione/cicli/:id/sessioni', requireStaff, async (req, res) => {
    const cycle = await getCycle(viewerOf(req), idParam(req.params.id));
    await formAction(req, res, 'training/session-form', sessionForm(res, cycle, null, {}), async () => {
      const s = await createSession(platform, actorOf(req), cycle.id, req.body);
      flash(req, 'success', msg('training:flash.sessionCreated', { title: s.title }));
      res.redirect(`/formazione/sessioni/${s.id}`);
    });
  });

  /** What the session page shows this viewer (also when a form on it comes back with errors). */
  const sessionLocals = async (req: Request, res: Response, id: number) => {
    const viewer = viewerOf(req);
    const page = await sessionPage(platform, viewer, id);
    return {
      ...base,
      MATERIAL_KINDS,
      title: page.session.title,
      ...page,
      canManage: canManageTraining(viewer),
      canMaterials: canManageMaterials(viewer, page.session.speakerUserId),
      survey: await surveyState(platform, viewer, page.session.id),
      summary: isStaff(viewer) ? await surveySummary(platform, page.session.id) : null,
      counts: isStaff(viewer) && page.cycle.audience === 'citizens' ? await citizenCounts(platform, page.session.id) : null,
      values: {},
      errors: {},
    };
  };

  router.get('/formazione/sessioni/:id', async (req, res) => {
    res.render('training/session', await sessionLocals(req, res, idParam(req.params.id)));
  });

  router.get('/formazione/sessioni/:id/modifica', requireStaff, async (req, res) => {
    const { session, cycle } = await getSession(platform, viewerOf(req), idParam(req.params.id));
    res.render('training/session-form', sessionForm(res, cycle, session, sessionValues(session)));
  });

  router.post('/formazione/sessioni/:id', requireStaff, async (req, res) => {
    const { session, cycle } = await getSession(platform, viewerOf(req), idParam(req.params.id));
    await formAction(req, res, 'training/session-form', sessionForm(res, cycle, session, {}), async () => {
      await updateSession(platform, actorOf(req), session.id, req.body);
      await runWaitingList(platform, { sessionIds: [session.id] });
      flash(req, 'success', msg('training:flash.sessionSaved'));
      res.redirect(`/formazione/sessioni/${session.id}`);
    });
  });

  router.post('/formazione/sessioni/:id/annulla', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    await getSession(platform, viewerOf(req), id);
    const told = await cancelSession(platform, actorOf(req), id);
    flash(req, 'success', msg('training:flash.sessionCancelled', { count: told }));
    res.redirect(`/formazione/sessioni/${id}`);
  });

  router.post('/formazione/sessioni/:id/iscrizione', requireLogin, async (req, res) => {
    const sessionId = idParam(req.params.id);
    await flashAction(req, res, `/formazione/sessioni/${sessionId}`, async () => {
      const r = await registerToSession(platform, actorOf(req), sessionId, req.body);
      flash(req, r.state === 'confirmed' ? 'success' : 'info', r.state === 'confirmed' ? msg('training:flash.registered') : msg('training:flash.waiting', { position: r.position ?? 0 }));
    });
  });

  router.get('/formazione/sessioni/:id/calendario.ics', async (req, res) => {
    const viewer = viewerOf(req);
    const id = idParam(req.params.id);
    const page = await sessionPage(platform, viewer, id);
    icsResponse(res, await sessionCalendar(platform, viewer, id, page.seePrivate), { filename: `sessione-${id}.ics` });
  });

  router.get('/formazione/sessioni/:id/iscrizioni.csv', requireStaff, async (req, res) => {
    const { session } = await getSession(platform, viewerOf(req), idParam(req.params.id));
    const t = tOf(res);
    const rows = await sessionRegistrations(platform, session.id);
    await sendCsv(platform, res, {
      filename: `iscrizioni-sessione-${session.id}.csv`,
      rows: [
        [t('training:csv.name'), t('training:csv.email'), t('training:csv.body'), t('training:csv.state'), t('training:csv.position'), t('training:csv.attendance'), t('training:csv.minutes')],
        ...rows.map((r) => [r.name, r.email ?? '', r.bodyName ?? '', t(`training:state.${r.state}`), r.position ?? '', r.attendance ? t(`training:attendance.${r.attendance}`) : '', r.minutes ?? '']),
      ],
    });
  });

  // Citizens' courses: no account; the seat counts after the link mailed to them is opened.
  router.post('/formazione/sessioni/:id/cittadini', async (req, res) => {
    const sessionId = idParam(req.params.id);
    const locals = await sessionLocals(req, res, sessionId);
    const page = locals;
    await formAction(req, res, 'training/session', locals, async () => {
      await requestCitizenSeat(platform, sessionId, req.body, req.ip ?? null);
      res.render('training/citizen-sent', { ...base, title: tOf(res)('training:citizen.sentTitle'), session: page.session });
    });
  });

  router.get('/formazione/conferma/:token', async (req, res) => {
    res.render('training/citizen-confirm', { ...base, title: tOf(res)('training:citizen.confirmTitle'), token: req.params.token, result: null });
  });

  router.post('/formazione/conferma/:token', async (req, res) => {
    const result = await confirmCitizenSeat(platform, req.params.token);
    res.render('training/citizen-confirm', { ...base, title: tOf(res)('training:citizen.confirmTitle'), token: null, result });
  });

  // ---- Materials (files and links; the registered people's) ----

  // Who may not add materials is refused before the file is read.
  const canAddMaterial = permitUpload(async (req) => {
    const { session } = await getSession(platform, viewerOf(req), idParam(req.params.id));
    if (!canManageMaterials(viewerOf(req), session.speakerUserId)) throw new NotFoundError('training:error.notFound', 'training.material.add');
  });
  router.post('/formazione/sessioni/:id/materiali', requireLogin, canAddMaterial, materialUpload, async (req, res) => {
    const id = idParam(req.params.id);
    const locals = await sessionLocals(req, res, id);
    if (!locals.canMaterials) throw new NotFoundError('training:error.notFound', 'training.material.add');
    await formAction(req, res, 'training/session', locals, async () => {
      const file = uploadedFiles(req)[0];
      const m = await addMaterial(platform, actorOf(req), id, req.body, file ? { path: file.path, originalName: file.originalName } : null);
      flash(req, 'success', msg('training:flash.materialAdded', { title: m.title }));
      res.redirect(`/formazione/sessioni/${id}#materiali`);
    });
  });

  router.post('/formazione/materiali/:id/elimina', requireLogin, async (req, res) => {
    const { sessionId } = await removeMaterial(platform, actorOf(req), idParam(req.params.id));
    flash(req, 'success', msg('training:flash.materialRemoved'));
    res.redirect(`/formazione/sessioni/${sessionId}#materiali`);
  });

  router.get('/formazione/materiali/:id/file', async (req, res) => {
    const { fileId } = await materialFile(platform, viewerOf(req), idParam(req.params.id));
    await sendStoredFile(platform, res, fileId);
  });

  // ---- Attendance ----

  router.get('/formazione/sessioni/:id/presenze', requireLogin, async (req, res) => {
    const page = await attendancePage(platform, viewerOf(req), idParam(req.params.id));
    res.render('training/attendance', { ...base, title: tOf(res)('training:attendance.title', { session: page.session.title }), ...page, report: null, values: {}, errors: {} });
  });

  router.post('/formazione/sessioni/:id/presenze', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const page = await attendancePage(platform, viewerOf(req), id);
    await formAction(req, res, 'training/attendance', { ...base, title: tOf(res)('training:attendance.title', { session: page.session.title }), ...page, report: null }, async () => {
      const n = await saveAttendance(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('training:flash.attendanceSaved', { count: n }));
      res.redirect(`/formazione/sessioni/${id}/presenze`);
    });
  });

  router.post('/formazione/sessioni/:id/presenze/importa', requireLogin, permitUpload((req) => registerOf(platform, viewerOf(req), idParam(req.params.id))), csvUpload, async (req, res) => {
    const id = idParam(req.params.id);
    const before = await attendancePage(platform, viewerOf(req), id);
    const locals = { ...base, title: tOf(res)('training:attendance.title', { session: before.session.title }), ...before, report: null as ImportReport | null };
    await formAction(req, res, 'training/attendance', locals, async () => {
      const file = uploadedFiles(req)[0];
      if (!file) throw new ValidationError({ file: 'training:import.noFile' });
      const report = await importParticipants(platform, actorOf(req), id, await readUpload(file));
      const after = await attendancePage(platform, viewerOf(req), id);
      res.render('training/attendance', { ...locals, ...after, report, values: {}, errors: {} });
    });
  });

  router.post('/formazione/sessioni/:id/conteggi', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    await flashAction(req, res, `/formazione/sessioni/${id}`, async () => {
      const total = await saveCitizenCounts(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('training:flash.countsSaved', { total }));
    });
  });

  router.post('/formazione/sessioni/:id/gradimento', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await flashAction(req, res, `/formazione/sessioni/${id}`, async () => {
      await answerSurvey(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('training:flash.surveyThanks'));
    });
  });

  // ---- Registrations and offers ----

  router.post('/formazione/iscrizioni/:id/annulla', requireLogin, async (req, res) => {
    await flashAction(req, res, '/formazione/miei', async () => {
      const { sessionId } = await cancelRegistration(platform, actorOf(req), idParam(req.params.id));
      flash(req, 'success', msg('training:flash.cancelled'));
      return back(req, `/formazione/sessioni/${sessionId}`);
    });
  });

  router.get('/formazione/offerte/:token', async (req, res) => {
    const offer = await showOffer(platform, viewerOf(req), req.params.token);
    res.render('training/offer', { ...base, title: tOf(res)('training:offer.title'), offer, token: req.params.token });
  });

  router.post('/formazione/offerte/:token', async (req, res) => {
    const decline = (req.body as Record<string, unknown>).decision === 'decline';
    const { sessionId } = decline ? await declineOffer(platform, viewerOf(req), req.params.token) : await acceptOffer(platform, viewerOf(req), req.params.token);
    flash(req, 'success', decline ? msg('training:flash.offerDeclined') : msg('training:flash.offerAccepted'));
    res.redirect(`/formazione/sessioni/${sessionId}`);
  });

  // ---- Certificates ----

  router.get('/formazione/verifica', async (req, res) => {
    const code = typeof req.query.codice === 'string' ? req.query.codice : '';
    if (code) {
      const cert = await verifyCode(platform, code);
      if (cert) return res.redirect(`/formazione/verifica/${cert.code}`);
      return res.status(404).render('training/verify', { ...base, title: tOf(res)('training:verify.title'), cert: null, code, searched: true });
    }
    res.render('training/verify', { ...base, title: tOf(res)('training:verify.title'), cert: null, code: '', searched: false });
  });

  router.get('/formazione/verifica/:code', async (req, res) => {
    const cert = await verifyCode(platform, req.params.code);
    res.status(cert && !cert.revokedAt ? 200 : 404).render('training/verify', { ...base, title: tOf(res)('training:verify.title'), cert, code: req.params.code, searched: true });
  });

  router.get('/formazione/attestati/:id/pdf', requireLogin, async (req, res) => {
    const cert = await certificateForDownload(platform, viewerOf(req), idParam(req.params.id));
    const qr = await certificateQr(platform, cert);
    await sendPdf(platform, res, { filename: certificateFilename(cert), title: certificateTitle(cert), author: platform.config.centre.name }, (doc) => writeCertificate(doc, platform, cert, qr));
  });

  router.post('/formazione/attestati/:id/revoca', requireStaff, async (req, res) => {
    await flashAction(req, res, '/formazione', async () => {
      const cert = await revokeCertificate(platform, actorOf(req), idParam(req.params.id), req.body);
      flash(req, 'success', msg('training:flash.revoked', { code: cert.code }));
      return back(req, `/formazione/cicli/${cert.cycleId}`);
    });
  });

  // ---- Mine ----

  router.get('/formazione/miei', requireLogin, async (req, res) => {
    const actor = actorOf(req);
    const year = parseYear(req.query.anno);
    const regs = await upcomingOfUser(platform, actor.userId);
    res.render('training/mine', {
      ...base,
      title: tOf(res)('training:mine.title'),
      registrations: regs,
      certificates: await certificatesOfUser(platform, actor.userId),
      ledger: await personLedger(platform, actor.userId, year),
      feed: (req.session as unknown as { trainingFeed?: string }).trainingFeed ?? null,
      hasFeed: await hasFeed(platform, actor.userId),
      canSeeBody: actor.entityId !== null && canRegisterOthers(actor, actor.entityId),
    });
    delete (req.session as unknown as { trainingFeed?: string }).trainingFeed;
  });

  router.post('/formazione/miei/calendario', requireLogin, async (req, res) => {
    const url = await feedUrl(platform, actorOf(req), true);
    (req.session as unknown as { trainingFeed?: string | null }).trainingFeed = url;
    res.redirect('/formazione/miei#calendario');
  });

  router.get('/formazione/calendario/:file', async (req, res) => {
    const secret = req.params.file.replace(/\.ics$/, '');
    icsResponse(res, await personalFeed(platform, secret), { filename: 'formazione.ics', disposition: 'inline' });
  });

  // ---- Training needs recorded for bodies (e.g. by a working group's action) ----

  router.get('/formazione/fabbisogni', requireLogin, async (req, res) => {
    const viewer = viewerOf(req);
    res.render('training/needs', { ...base, title: tOf(res)('training:needs.title'), needs: await trainingNeeds(platform, viewer), staff: isStaff(viewer) });
  });

  // ---- The hours ledger ----

  router.get('/formazione/ore', requireLogin, async (req, res) => {
    const actor = actorOf(req);
    if (isStaff(actor)) {
      const year = parseYear(req.query.anno);
      return res.render('training/totals', { ...base, title: tOf(res)('training:totals.title'), year, rows: await bodiesTotals(platform, year) });
    }
    if (actor.entityId !== null && canRegisterOthers(actor, actor.entityId)) return res.redirect(`/formazione/ore/enti/${actor.entityId}`);
    res.redirect('/formazione/miei');
  });

  router.get('/formazione/ore/enti/:id', requireLogin, async (req, res) => {
    const data = await bodyLedger(platform, viewerOf(req), idParam(req.params.id), parseYear(req.query.anno));
    res.render('training/ledger', { ...base, title: tOf(res)('training:ledger.title', { body: data.body.name }), ...data, values: {}, errors: {} });
  });

  router.get('/formazione/ore/enti/:id/csv', requireLogin, async (req, res) => {
    const data = await bodyLedger(platform, viewerOf(req), idParam(req.params.id), parseYear(req.query.anno));
    const t = tOf(res);
    const rows = await bodyRows(platform, data.body.id, data.year);
    await sendCsv(platform, res, {
      filename: `ore-formazione-${data.year}-ente-${data.body.id}.csv`,
      rows: [
        [t('training:csv.name'), t('training:csv.email'), t('training:csv.certified'), t('training:csv.external'), t('training:csv.total'), t('training:csv.target'), t('training:csv.below')],
        ...rows.map((r) => [r.name, r.email, r.certified.toFixed(2).replace('.', ','), r.external.toFixed(2).replace('.', ','), r.total.toFixed(2).replace('.', ','), String(data.target), r.below ? t('training:csv.yes') : t('training:csv.no')]),
      ],
    });
  });

  router.post('/formazione/ore/enti/:id/esterne', requireLogin, permitUpload((req) => assertCanRecordExternalHours(viewerOf(req), idParam(req.params.id))), certificateUpload, async (req, res) => {
    const entityId = idParam(req.params.id);
    const data = await bodyLedger(platform, viewerOf(req), entityId, parseYear(req.query.anno));
    await formAction(req, res, 'training/ledger', { ...base, title: tOf(res)('training:ledger.title', { body: data.body.name }), ...data }, async () => {
      const file = uploadedFiles(req)[0];
      await recordExternalHours(platform, actorOf(req), entityId, req.body, file ? { path: file.path, originalName: file.originalName } : null);
      flash(req, 'success', msg('training:flash.externalSaved'));
      res.redirect(`/formazione/ore/enti/${entityId}`);
    });
  });

  router.get('/formazione/ore/esterne/:id/file', requireLogin, async (req, res) => {
    const fileId = await externalFile(platform, viewerOf(req), idParam(req.params.id));
    await sendStoredFile(platform, res, fileId);
  });

  return router;
}
