// /tavoli: groups, their meetings, the answers to convocations, minutes, actions and the participation
// ledger. Handlers parse, call a service, render or redirect.
import 'express-session';
import { Router, type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import { isStaff, type Actor } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ForbiddenError, NotFoundError } from '../../platform/errors.js';
import { pickLanguage } from '../../platform/i18n.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { actorOf, flash, formAction, idParam, requireLogin, requireStaff, viewerOf } from '../../web/http.js';
import { icsResponse, sendPdf, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, permitUpload, uploadedFiles } from '../../web/uploads.js';
import { findPerson } from '../accounts/index.js';
import { bodyName, bodyOptions } from '../entities/index.js';
import { groupFeed, meetingCalendar } from './calendar.js';
import { availableTargets, needsCollections, turnInto } from './links.js';
import { writeMinutes } from './pdf.js';
import { canCreateGroups, canManageGroup, ledgerScope } from './policy.js';
import { linkSchema } from './schemas.js';
import * as svc from './service.js';
import { ACTION_STATES, ATTENDANCE, GROUP_KINDS, MEMBER_ROLES, VISIBILITIES } from './states.js';

declare module 'express-session' {
  interface SessionData {
    /** Participant ids of the meetings this session's guest was invited to (through their link). */
    groupsGuest?: number[];
  }
}

const base = { GROUP_KINDS, MEMBER_ROLES, VISIBILITIES, ATTENDANCE, ACTION_STATES, styles: ['/static/app/css/groups.css'] };
type Translate = (key: string, params?: Record<string, unknown>) => string;
const tOf = (res: Response): Translate => res.locals.t as Translate;
const guestIds = (req: Request): number[] => req.session.groupsGuest ?? [];
const meetingPath = (id: number, hash = '') => `/tavoli/sedute/${id}${hash}`;

function meetingValues(m: svc.MeetingRow | null): Record<string, unknown> {
  if (!m) return {};
  const s = DateTime.fromJSDate(m.starts_at, { zone: 'Europe/Rome' });
  const e = DateTime.fromJSDate(m.ends_at, { zone: 'Europe/Rome' });
  return { title: m.title, date: s.toISODate(), startTime: s.toFormat('HH:mm'), endTime: e.toFormat('HH:mm'), place: m.place ?? '', link: m.link ?? '' };
}

export function groupsRouter(platform: Platform): Router {
  const router = Router();

  // ---- groups ----

  router.get('/tavoli', requireLogin, async (req, res) => {
    const viewer = viewerOf(req);
    const [groups, upcoming] = await Promise.all([svc.listGroups(platform, viewer), svc.upcomingFor(platform, viewer, 10)]);
    res.render('groups/list', { ...base, title: tOf(res)('groups:list.title'), groups, upcoming, canCreate: canCreateGroups(viewer), ledger: !!ledgerScope(viewer) });
  });

  const groupForm = async (res: Response, group: svc.GroupRow | null, values: Record<string, unknown>) => ({
    ...base,
    title: group ? tOf(res)('groups:form.editTitle') : tOf(res)('groups:form.newTitle'),
    group,
    values,
    bodies: await bodyOptions(),
    action: group ? `/tavoli/${group.id}` : '/tavoli',
  });

  router.get('/tavoli/nuovo', requireStaff, async (_req, res) => {
    res.render('groups/group-form', await groupForm(res, null, { kind: 'technical', visibility: 'reserved', entityIds: [] }));
  });

  router.post('/tavoli', requireStaff, async (req, res) => {
    await formAction(req, res, 'groups/group-form', await groupForm(res, null, {}), async () => {
      const group = await svc.createGroup(platform, actorOf(req), req.body);
      flash(req, 'success', msg('groups:flash.groupCreated', { name: group.name }));
      res.redirect(`/tavoli/${group.id}`);
    });
  });

  router.get('/tavoli/partecipazione', requireLogin, async (req, res) => {
    const viewer = viewerOf(req);
    const scope = ledgerScope(viewer);
    if (!scope) throw new ForbiddenError('groups:error.ledgerBodies', 'groups.ledger');
    const year = yearOf(req.query.anno);
    const rows = await svc.ledger(platform, scope, year);
    res.render('groups/ledger', { ...base, title: tOf(res)('groups:ledger.title', { year }), rows, year, staff: isStaff(viewer) });
  });

  router.get('/tavoli/partecipazione/enti/:id', requireLogin, async (req, res) => {
    const viewer = viewerOf(req);
    const id = idParam(req.params.id);
    const scope = ledgerScope(viewer);
    if (!scope || ('entityId' in scope && scope.entityId !== id)) throw new NotFoundError('groups:error.notFound', 'groups.ledger.body');
    const name = await bodyName(id);
    if (!name) throw new NotFoundError();
    const year = yearOf(req.query.anno);
    const meetings = await svc.bodyLedger(platform, id, year);
    res.render('groups/ledger-body', { ...base, title: tOf(res)('groups:ledger.bodyTitle', { name, year }), name, entityId: id, meetings, year });
  });

  router.get('/tavoli/:id', requireLogin, async (req, res) => {
    const viewer = viewerOf(req);
    const { group, standing } = await svc.visibleGroup(platform, viewer, idParam(req.params.id));
    await renderGroup(req, res, group, standing, {});
  });

  async function renderGroup(req: Request, res: Response, group: svc.GroupRow, standing: Awaited<ReturnType<typeof svc.visibleGroup>>['standing'], extra: Record<string, unknown>, status = 200) {
    const viewer = viewerOf(req);
    const [members, bodies, meetings, actions] = await Promise.all([
      svc.groupMembers(platform, group.id),
      svc.groupBodies(platform, group.id),
      svc.groupMeetings(platform, viewer, group, standing),
      standing.memberRole || isStaff(viewer) ? svc.openActionsOf(platform, group.id, null) : Promise.resolve([]),
    ]);
    res.status(status).render('groups/group', { ...base, title: group.name, group, standing, members, bodies, meetings, actions, manage: canManageGroup(viewer, standing), values: {}, errors: null, ...extra });
  }

  router.get('/tavoli/:id/modifica', requireLogin, async (req, res) => {
    const { group, standing } = await svc.visibleGroup(platform, viewerOf(req), idParam(req.params.id));
    if (!canManageGroup(viewerOf(req), standing)) throw new ForbiddenError('groups:error.managersOnly', 'groups.group.edit');
    const bodies = await svc.groupBodies(platform, group.id);
    res.render('groups/group-form', await groupForm(res, group, { name: group.name, kind: group.kind, purpose: group.purpose ?? '', visibility: group.visibility, entityIds: bodies.map((b) => String(b.id)) }));
  });

  router.post('/tavoli/:id', requireLogin, async (req, res) => {
    const { group } = await svc.visibleGroup(platform, viewerOf(req), idParam(req.params.id));
    await formAction(req, res, 'groups/group-form', await groupForm(res, group, {}), async () => {
      await svc.updateGroup(platform, actorOf(req), group.id, req.body);
      flash(req, 'success', msg('groups:flash.groupSaved'));
      res.redirect(`/tavoli/${group.id}`);
    });
  });

  router.post('/tavoli/:id/componenti', requireLogin, async (req, res) => {
    const { group, standing } = await svc.visibleGroup(platform, viewerOf(req), idParam(req.params.id));
    try {
      await svc.addMember(platform, actorOf(req), group.id, req.body);
    } catch (err) {
      // The group's page again, with the message next to the field and what was typed.
      const errors = fieldErrors(res, err);
      if (!errors) throw err;
      return renderGroup(req, res, group, standing, { errors, values: req.body as Record<string, unknown> }, 422);
    }
    flash(req, 'success', msg('groups:flash.memberAdded'));
    res.redirect(`/tavoli/${group.id}#componenti`);
  });

  router.post('/tavoli/:id/componenti/:memberId/rimuovi', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await svc.visibleGroup(platform, viewerOf(req), id);
    await svc.removeMember(platform, actorOf(req), id, idParam(req.params.memberId));
    flash(req, 'success', msg('groups:flash.memberRemoved'));
    res.redirect(`/tavoli/${id}#componenti`);
  });

  router.get('/tavoli/:id/calendario.ics', requireLogin, async (req, res) => {
    const { group } = await svc.visibleGroup(platform, viewerOf(req), idParam(req.params.id));
    icsResponse(res, groupFeed(platform, group, await svc.feedMeetings(platform, group.id)), { filename: `tavolo-${group.id}.ics`, disposition: 'inline' });
  });

  // ---- meetings ----

  const meetingForm = (res: Response, group: svc.GroupRow, meeting: svc.MeetingRow | null, values: Record<string, unknown>) => ({
    ...base,
    title: meeting ? tOf(res)('groups:meetingForm.editTitle') : tOf(res)('groups:meetingForm.newTitle'),
    group,
    meeting,
    values,
    action: meeting ? `/tavoli/sedute/${meeting.id}` : `/tavoli/${group.id}/sedute`,
  });

  router.get('/tavoli/:id/sedute/nuova', requireLogin, async (req, res) => {
    const { group, standing } = await svc.visibleGroup(platform, viewerOf(req), idParam(req.params.id));
    if (!canManageGroup(viewerOf(req), standing)) throw new ForbiddenError('groups:error.managersOnly', 'groups.meeting.new');
    res.render('groups/meeting-form', meetingForm(res, group, null, {}));
  });

  router.post('/tavoli/:id/sedute', requireLogin, async (req, res) => {
    const { group } = await svc.visibleGroup(platform, viewerOf(req), idParam(req.params.id));
    await formAction(req, res, 'groups/meeting-form', meetingForm(res, group, null, {}), async () => {
      const meeting = await svc.createMeeting(platform, actorOf(req), group.id, req.body);
      flash(req, 'success', msg('groups:flash.meetingCreated'));
      res.redirect(meetingPath(meeting.id));
    });
  });

  async function renderMeeting(req: Request, res: Response, id: number, extra: Record<string, unknown> = {}, status = 200) {
    const page = await svc.meetingPage(platform, viewerOf(req), id, guestIds(req));
    res.status(status).render('groups/meeting', {
      ...base,
      title: `${page.meeting.title} — ${page.group.name}`,
      ...page,
      linkTargets: page.manage ? availableTargets() : [],
      needsCollections: page.manage && page.actions.some((a) => !a.link_kind) ? await needsCollections(platform) : [],
      activeForm: null,
      errors: null,
      values: {},
      ...extra,
    });
  }

  /** A form of the meeting's page: on bad input, the page again with the message next to that form's field. */
  async function meetingForm2(req: Request, res: Response, id: number, form: string, action: () => Promise<void>) {
    try {
      await action();
    } catch (err) {
      const errors = fieldErrors(res, err);
      if (!errors) throw err;
      await renderMeeting(req, res, id, { activeForm: form, errors, values: req.body as Record<string, unknown> }, 422);
    }
  }

  router.get('/tavoli/sedute/:id', async (req, res) => {
    const id = idParam(req.params.id);
    if (!viewerOf(req) && !guestIds(req).length) throw new NotFoundError('groups:error.meetingNotFound');
    await renderMeeting(req, res, id);
  });

  router.get('/tavoli/sedute/:id/modifica', requireLogin, async (req, res) => {
    const access = await svc.meetingAccess(platform, viewerOf(req), idParam(req.params.id));
    if (!access.manage) throw new ForbiddenError('groups:error.managersOnly', 'groups.meeting.edit');
    res.render('groups/meeting-form', meetingForm(res, access.group, access.meeting, meetingValues(access.meeting)));
  });

  router.post('/tavoli/sedute/:id', requireLogin, async (req, res) => {
    const access = await svc.meetingAccess(platform, viewerOf(req), idParam(req.params.id));
    await formAction(req, res, 'groups/meeting-form', meetingForm(res, access.group, access.meeting, {}), async () => {
      await svc.updateMeeting(platform, actorOf(req), access.meeting.id, req.body);
      flash(req, 'success', msg('groups:flash.meetingSaved'));
      res.redirect(meetingPath(access.meeting.id));
    });
  });

  router.get('/tavoli/sedute/:id/seduta.ics', async (req, res) => {
    const access = await svc.meetingAccess(platform, viewerOf(req), idParam(req.params.id), guestIds(req));
    const data = await svc.calendarData(platform, access.meeting, access.group);
    icsResponse(res, meetingCalendar(platform, data.meeting, data.group, data.items), { filename: `seduta-${access.meeting.id}.ics` });
  });

  // One-button actions of the meeting: refusals (a rule of the meeting's life) come back as a flash message.
  const step = (path: string, run: (actor: Actor, id: number, req: Request) => Promise<string>, hash = '') =>
    router.post(`/tavoli/sedute/:id/${path}`, requireLogin, async (req, res) => {
      const id = idParam(req.params.id);
      try {
        flash(req, 'success', await run(actorOf(req), id, req));
      } catch (err) {
        const errors = fieldErrors(res, err, false);
        if (!errors) throw err;
        flash(req, 'danger', Object.values(errors)[0]);
      }
      res.redirect(meetingPath(id, hash));
    });

  step('convoca', async (actor, id) => msg('groups:flash.convened', { n: await svc.conveneMeeting(platform, actor, id) }));
  step('avvia', async (actor, id) => (await svc.startMeeting(platform, actor, id), 'groups:flash.started'));
  step('annulla', async (actor, id) => msg('groups:flash.cancelled', { n: await svc.cancelMeeting(platform, actor, id) }));
  step('chiudi', async (actor, id) => (await svc.closeMeeting(platform, actor, id), 'groups:flash.closed'));
  step('verbale/invia', async (actor, id) => msg('groups:flash.circulated', { n: await svc.circulateMinutes(platform, actor, id) }), '#verbale');
  step('promemoria-assenti', async (actor, id) => msg('groups:flash.reminded', { n: await svc.remindAbsentBodies(platform, actor, id) }));
  step('approvazione', async (actor, id) => (await svc.addApprovalToAgenda(platform, actor, id), 'groups:flash.approvalAdded'), '#odg');
  step('punti/:itemId/accetta', async (actor, id, req) => (await svc.decideItem(platform, actor, id, idParam(req.params.itemId), 'accept'), 'groups:flash.itemAccepted'), '#odg');
  step('punti/:itemId/rifiuta', async (actor, id, req) => (await svc.decideItem(platform, actor, id, idParam(req.params.itemId), 'reject'), 'groups:flash.itemRejected'), '#odg');
  step('punti/:itemId/elimina', async (actor, id, req) => (await svc.decideItem(platform, actor, id, idParam(req.params.itemId), 'remove'), 'groups:flash.itemRemoved'), '#odg');
  step('punti/:itemId/approva', async (actor, id, req) => msg('groups:flash.approved', { title: (await svc.approveMinutes(platform, actor, id, idParam(req.params.itemId))).title }), '#odg');

  router.post('/tavoli/sedute/:id/punti', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await meetingForm2(req, res, id, 'item', async () => {
      const status = await svc.addItem(platform, actorOf(req), id, req.body);
      flash(req, 'success', status === 'accepted' ? 'groups:flash.itemAdded' : 'groups:flash.itemProposed');
      res.redirect(meetingPath(id, '#odg'));
    });
  });

  router.post('/tavoli/sedute/:id/ospiti', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await meetingForm2(req, res, id, 'guest', async () => {
      await svc.addGuest(platform, actorOf(req), id, req.body);
      flash(req, 'success', 'groups:flash.guestAdded');
      res.redirect(meetingPath(id, '#partecipanti'));
    });
  });

  router.post('/tavoli/sedute/:id/risposta', async (req, res) => {
    const id = idParam(req.params.id);
    if (!viewerOf(req) && !guestIds(req).length) throw new NotFoundError('groups:error.meetingNotFound');
    await meetingForm2(req, res, id, 'answer', async () => {
      const answer = await svc.answerOnPage(platform, viewerOf(req), id, guestIds(req), req.body);
      flash(req, 'success', `groups:flash.answer.${answer}`);
      res.redirect(meetingPath(id));
    });
  });

  router.post('/tavoli/sedute/:id/presenze', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await meetingForm2(req, res, id, 'attendance', async () => {
      const n = await svc.recordAttendance(platform, actorOf(req), id, req.body as Record<string, unknown>);
      flash(req, 'success', msg('groups:flash.attendance', { n }));
      res.redirect(meetingPath(id, '#presenze'));
    });
  });

  router.post('/tavoli/sedute/:id/note', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await meetingForm2(req, res, id, 'notes', async () => {
      await svc.saveNotes(platform, actorOf(req), id, req.body);
      flash(req, 'success', 'groups:flash.notesSaved');
      res.redirect(meetingPath(id, '#verbale'));
    });
  });

  router.post('/tavoli/sedute/:id/punti/:itemId/sintesi', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const itemId = idParam(req.params.itemId);
    await meetingForm2(req, res, id, `summary-${itemId}`, async () => {
      await svc.saveSummary(platform, actorOf(req), id, itemId, req.body);
      flash(req, 'success', 'groups:flash.summarySaved');
      res.redirect(meetingPath(id, `#punto-${itemId}`));
    });
  });

  router.post('/tavoli/sedute/:id/punti/:itemId/decisioni', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const itemId = idParam(req.params.itemId);
    await meetingForm2(req, res, id, `decision-${itemId}`, async () => {
      await svc.addDecision(platform, actorOf(req), id, itemId, req.body);
      flash(req, 'success', 'groups:flash.decisionAdded');
      res.redirect(meetingPath(id, `#punto-${itemId}`));
    });
  });

  router.post('/tavoli/sedute/:id/punti/:itemId/azioni', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    const itemId = idParam(req.params.itemId);
    await meetingForm2(req, res, id, `action-${itemId}`, async () => {
      await svc.addAction(platform, actorOf(req), id, itemId, req.body);
      flash(req, 'success', 'groups:flash.actionAdded');
      res.redirect(meetingPath(id, `#punto-${itemId}`));
    });
  });

  router.post('/tavoli/sedute/:id/verbale/osservazioni', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await meetingForm2(req, res, id, 'remark', async () => {
      const kind = await svc.addRemark(platform, actorOf(req), id, req.body);
      flash(req, 'success', `groups:flash.remark.${kind}`);
      res.redirect(meetingPath(id, '#verbale'));
    });
  });

  router.post('/tavoli/sedute/:id/verbale/correggi', requireLogin, async (req, res) => {
    const id = idParam(req.params.id);
    await meetingForm2(req, res, id, 'correction', async () => {
      const version = await svc.correctMinutes(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('groups:flash.corrected', { version }));
      res.redirect(meetingPath(id, '#verbale'));
    });
  });

  router.get('/tavoli/sedute/:id/verbale.pdf', async (req, res) => {
    const id = idParam(req.params.id);
    if (!viewerOf(req) && !guestIds(req).length) throw new NotFoundError('groups:error.meetingNotFound');
    const version = typeof req.query.versione === 'string' ? idParam(req.query.versione) : null;
    const content = await svc.approvedMinutes(platform, viewerOf(req), id, guestIds(req), version);
    const lang = pickLanguage(res.locals.lang);
    await sendPdf(platform, res, { filename: `verbale-seduta-${id}-v${content.version}.pdf`, title: tOf(res)('groups:pdf.title', { group: content.group.name }) }, (doc) => writeMinutes(doc, content, lang));
  });

  router.post('/tavoli/sedute/:id/documenti', requireLogin, permitUpload((req) => svc.managedMeeting(platform, actorOf(req), idParam(req.params.id))), acceptUploads(platform, { field: 'files', maxFiles: 5 }), async (req, res) => {
    const id = idParam(req.params.id);
    await meetingForm2(req, res, id, 'documents', async () => {
      const itemId = typeof req.body.itemId === 'string' && req.body.itemId ? idParam(req.body.itemId) : null;
      const n = await svc.addDocuments(platform, actorOf(req), id, itemId, uploadedFiles(req));
      flash(req, 'success', msg('groups:flash.documents', { n }));
      res.redirect(meetingPath(id, '#documenti'));
    });
  });

  router.get('/tavoli/sedute/:id/documenti/:documentId', async (req, res) => {
    const id = idParam(req.params.id);
    if (!viewerOf(req) && !guestIds(req).length) throw new NotFoundError('groups:error.meetingNotFound');
    await sendStoredFile(platform, res, await svc.documentFor(platform, viewerOf(req), id, idParam(req.params.documentId), guestIds(req)));
  });

  // ---- actions ----

  router.post('/tavoli/azioni/:id/stato', requireLogin, async (req, res) => {
    const action = await svc.updateActionStatus(platform, actorOf(req), idParam(req.params.id), req.body);
    flash(req, 'success', 'groups:flash.actionStatus');
    res.redirect(meetingPath(action.meeting_id, '#azioni'));
  });

  router.post('/tavoli/azioni/:id/trasforma', requireLogin, async (req, res) => {
    const actor = actorOf(req);
    const action = await svc.actionToLink(platform, actor, idParam(req.params.id));
    try {
      const { kind, dossierId } = parseInput(linkSchema, req.body);
      const owner = await findPerson(action.owner_user_id);
      const link = await turnInto(platform, actor, kind, action, owner, { dossierId });
      await svc.linkAction(platform, actor, action.id, link);
      flash(req, 'success', msg('groups:flash.linked', { kind: msg(`groups:link.${kind}`) }));
    } catch (err) {
      const errors = fieldErrors(res, err, false);
      if (!errors) throw err;
      flash(req, 'danger', Object.values(errors)[0]);
    }
    res.redirect(meetingPath(action.meeting_id, '#azioni'));
  });

  // ---- answers from the convocation's link ----

  router.get('/tavoli/invito/:token', async (req, res) => {
    const inv = await svc.checkInvitation(platform, viewerOf(req), req.params.token);
    grantGuest(req, inv);
    res.render('groups/rsvp', { ...base, title: tOf(res)('groups:rsvp.title'), ...inv, token: req.params.token, errors: null, values: {} });
  });

  router.post('/tavoli/invito/:token', async (req, res) => {
    try {
      const inv = await svc.answerByLink(platform, viewerOf(req), req.params.token, req.body);
      grantGuest(req, inv);
      flash(req, 'success', `groups:flash.answer.${inv.answer}`);
      res.redirect(meetingPath(inv.meeting.id));
    } catch (err) {
      const errors = fieldErrors(res, err, false);
      if (!errors) throw err;
      const inv = await svc.checkInvitation(platform, viewerOf(req), req.params.token);
      res.status(422).render('groups/rsvp', { ...base, title: tOf(res)('groups:rsvp.title'), ...inv, token: req.params.token, errors, values: req.body });
    }
  });

  return router;
}

function grantGuest(req: Request, inv: svc.Invitation): void {
  const id = svc.guestGrant(inv);
  if (id !== null && !(req.session.groupsGuest ?? []).includes(id)) req.session.groupsGuest = [...(req.session.groupsGuest ?? []), id].slice(-50);
}

function yearOf(v: unknown): number {
  const y = typeof v === 'string' && /^\d{4}$/.test(v) ? Number(v) : NaN;
  return y >= 2000 && y <= 2100 ? y : DateTime.now().setZone('Europe/Rome').year;
}

/** The field messages of bad input or of a refusal by the rules (translated), or null for any other error. */
function fieldErrors(res: Response, err: unknown, translate = true): Record<string, string> | null {
  const e = err as { status?: number; fields?: Record<string, string>; field?: string; message?: string };
  let fields: Record<string, string> | null = null;
  if (e && e.status === 422 && e.fields) fields = e.fields;
  else if (e && e.status === 409) fields = { [e.field ?? '_form']: e.message ?? '' };
  else if (e && e.status === 422 && e.message) fields = { [e.field ?? 'files']: e.message };
  if (!fields || !translate) return fields;
  const tm = res.locals.tm as (m: string) => string;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, tm(v)]));
}
