import { Router, type Request } from 'express';
import type { Platform } from '../../platform/context.js';
import { msg } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, requireAdmin, viewerOf } from '../../web/http.js';
import { parsePage, paginate } from '../../web/pagination.js';
import { acceptUploads, readUpload, uploadedFiles } from '../../web/uploads.js';
import type { Registry } from '../../web/module.js';
import { canListBodyUsers, usersOfBody } from '../accounts/index.js';
import { ENTITY_KINDS, MEMBERSHIP_STATUSES, type Entity } from './models.js';
import { suggestBodies } from './directory.js';
import { createEntity, getEntity, importEntitiesCsv, IPA_OPTIONAL_COLUMNS, IPA_REQUIRED_COLUMNS, listEntities, rtdCandidates, updateEntity } from './service.js';

const vocab = { kinds: ENTITY_KINDS, statuses: MEMBERSHIP_STATUSES };

function formValues(e: Entity | null): Record<string, unknown> {
  if (!e) return { kind: 'comune', membershipStatus: 'prospect' };
  return {
    ...e.get({ plain: true }),
    population: e.population == null ? '' : String(e.population),
    isLead: e.isLead ? 'on' : '',
    isCedent: e.isCedent ? 'on' : '',
    rtdUserId: e.rtdUserId ? String(e.rtdUserId) : '',
  };
}

export function entitiesRouter(platform: Platform, registry: Registry): Router {
  const router = Router();

  router.get('/enti', async (req, res) => {
    const viewer = viewerOf(req);
    const page = parsePage(req.query as Record<string, unknown>);
    const result = await listEntities(viewer, req.query, page);
    res.render('entities/list', {
      ...result,
      ...vocab,
      pagination: paginate(result.total, page, '/enti', req.query as Record<string, unknown>),
    });
  });

  // The type-ahead of body filters (desk queue and others): names and codici IPA are public, like /enti.
  router.get('/enti/suggerimenti.json', async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q : '';
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json({ bodies: (await suggestBodies(q)).map((b) => ({ name: b.name, ipaCode: b.ipaCode })) });
  });

  const newLocals = () => ({ entity: null, rtdOptions: [], action: '/enti', ...vocab });
  router.get('/enti/nuovo', requireAdmin, (_req, res) => {
    res.render('entities/form', { ...newLocals(), values: formValues(null) });
  });
  router.post('/enti', requireAdmin, async (req, res) => {
    await formAction(req, res, 'entities/form', newLocals(), async () => {
      const entity = await createEntity(platform, actorOf(req), req.body);
      flash(req, 'success', msg('entities:flash.created', { name: entity.name }));
      res.redirect(`/enti/${entity.id}`);
    });
  });

  const importLocals = { requiredColumns: IPA_REQUIRED_COLUMNS, optionalColumns: IPA_OPTIONAL_COLUMNS, report: null };
  router.get('/enti/importa', requireAdmin, (_req, res) => {
    res.render('entities/import', importLocals);
  });
  router.post(
    '/enti/importa',
    requireAdmin,
    acceptUploads(platform, { field: 'file', maxFiles: 1 }),
    async (req: Request, res) => {
      await formAction(req, res, 'entities/import', importLocals, async () => {
        const file = uploadedFiles(req)[0] ?? null;
        const report = await importEntitiesCsv(platform, actorOf(req), file ? await readUpload(file) : null);
        if (report.ok) {
          flash(req, 'success', msg('entities:flash.imported', { created: report.created, updated: report.updated }));
          return res.redirect('/enti?status=prospect');
        }
        res.status(422).render('entities/import', { ...importLocals, report, fileName: file?.originalName ?? null, errors: { file: report.fileError } });
      });
    },
  );

  router.get('/enti/:id', async (req, res) => {
    const viewer = viewerOf(req);
    const id = idParam(req.params.id);
    const { entity, rtd, details } = await getEntity(viewer, id);
    const users = viewer && canListBodyUsers(viewer, id) ? await usersOfBody(id, { limit: 200 }) : null;
    const panels = await registry.entityPanels(platform, viewer, id);
    res.render('entities/show', { entity, rtd, details, users, panels, ...vocab });
  });

  const editLocals = async (req: Request, id: number) => {
    const { entity } = await getEntity(actorOf(req), id);
    return { entity, rtdOptions: await rtdCandidates(id), action: `/enti/${id}`, ...vocab };
  };
  router.get('/enti/:id/modifica', requireAdmin, async (req, res) => {
    const locals = await editLocals(req, idParam(req.params.id));
    res.render('entities/form', { ...locals, values: formValues(locals.entity) });
  });
  router.post('/enti/:id', requireAdmin, async (req, res) => {
    const id = idParam(req.params.id);
    const locals = await editLocals(req, id);
    await formAction(req, res, 'entities/form', locals, async () => {
      const entity = await updateEntity(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('entities:flash.updated', { name: entity.name }));
      res.redirect(`/enti/${entity.id}`);
    });
  });
  return router;
}
