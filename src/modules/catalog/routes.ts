// Catalogue routes: thin handlers that parse the request, call the services and render or redirect.
import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import { isStaff } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, FileRejectedError, ValidationError } from '../../platform/errors.js';
import { msg, type Message } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, messageTranslatorOf, refusalMessages, requireLogin, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { sendCsv, sendJsonStream, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, permitUpload, readUpload, uploadedFiles, uploadLimit } from '../../web/uploads.js';
import { adoptionMatrix, adoptionMatrixCsv, declareAdoption, parseMatrixFilter } from './adoption.js';
import { safeHref } from './assets.js';
import { catalogCachingEnabled, pageCache, type CachedPage } from './cache.js';
import { OPEN_DATA_COLUMNS, openDataCsvRows, openDataJson, openDataRows, openDataT } from './exports.js';
import { confirmImport, createPendingImport, discardImport, IMPORT_MAX_BYTES, importPreview } from './importer.js';
import { DOCUMENT_TYPES } from '../tenders/index.js';
import { ADOPTION_STATUSES, ASSET_KINDS, ASSET_STATUSES, FILE_ROLES, type AssetStatus } from './models.js';
import { assertCanEditAsset, assertCanImport, canImport, canManage } from './policy.js';
import { exportPubliccode } from './publiccode-export.js';
import { SORT_KEYS } from './schemas.js';
import {
  activeFilterChips,
  facetViews,
  filterQuery,
  hasFilters,
  parseFilter,
  PER_PAGE,
  pnrrKey,
  searchCatalog,
  similarNames,
} from './search.js';
import {
  addAssetFiles,
  archiveAsset,
  assetFileForDownload,
  assetFileForEdit,
  assetPage,
  cedentOptions,
  createAsset,
  deleteAsset,
  entityIpa,
  FILE_MAX_COUNT,
  formValuesFrom,
  loadAsset,
  managedAssets,
  publishAsset,
  removeAssetFile,
  restoreAsset,
  returnAsset,
  submitAsset,
  updateAsset,
  viewerBody,
} from './service.js';
import {
  CONFORMITY_FLAGS,
  DEVELOPMENT_STATUSES,
  ITALIAN_PLATFORMS,
  MAINTENANCE_TYPES,
  PLATFORMS,
  PNRR_MEASURES,
  PUBLICCODE_CATEGORIES,
  PUBLICCODE_SCOPES,
  SOFTWARE_TYPES,
} from './vocabulary.js';

const STYLES = ['/static/app/css/catalog.css'];
const SCRIPTS = ['/static/app/js/catalog.js'];

/**
 * The vocabularies the views list, as codes in their display order; views print each label with
 * `t('catalog:<section>.<code>')` (e.g. `catalog:kind.software`), PNRR measures with `t(pnrrKey(code))`.
 */
export const vocab = {
  kinds: ASSET_KINDS,
  documentTypes: DOCUMENT_TYPES,
  statuses: ASSET_STATUSES,
  adoption: ['in_use', 'evaluating', 'interested', 'dismissed'] as const satisfies ReadonlyArray<(typeof ADOPTION_STATUSES)[number]>,
  categories: PUBLICCODE_CATEGORIES,
  scopes: PUBLICCODE_SCOPES,
  devStatus: DEVELOPMENT_STATUSES,
  softwareTypes: SOFTWARE_TYPES,
  maintenance: MAINTENANCE_TYPES,
  platforms: PLATFORMS,
  italian: ITALIAN_PLATFORMS,
  conformity: CONFORMITY_FLAGS,
  pnrr: PNRR_MEASURES.map((m) => m.code),
  sorts: SORT_KEYS,
  fileRoles: FILE_ROLES,
};

const displayNames = new Map<string, Intl.DisplayNames>();
/**
 * The name of a language code: in `inLanguage` (the reader's language), or in the language itself
 * when `inLanguage` is omitted (the tabs of a description, each labelled in its own language).
 * Names standing alone start with a capital; `inText` keeps the language's own casing for a name
 * inside a sentence ("Funzionalità (inglese)", "Features (English)").
 */
export function languageName(code: string, inLanguage?: string, inText = false): string {
  const base = code.toLowerCase().split('-')[0];
  const target = inLanguage ?? base;
  try {
    let names = displayNames.get(target);
    if (!names) displayNames.set(target, (names = new Intl.DisplayNames([target], { type: 'language', fallback: 'none' })));
    const name = names.of(base);
    if (!name) return code;
    return inText ? name : name.charAt(0).toLocaleUpperCase(target) + name.slice(1);
  } catch {
    return code; // not a language tag Intl knows
  }
}
/**
 * The BCP 47 tag of a publiccode.yml description key, for a lang attribute: files often use the
 * three-letter ISO 639-2 code ("ita"), which HTML wants as "it". Null for a key that is no language.
 */
export function langTag(code: string): string | null {
  try {
    return Intl.getCanonicalLocales(code)[0] ?? null;
  } catch {
    return null;
  }
}
const common = { styles: STYLES, scripts: SCRIPTS, L: vocab, pnrrKey, safeHref, languageName, langTag };
const tOf = (res: Response): TFunction => res.locals.t as TFunction;

/**
 * Renders a public page, serving visitors who are not signed in from the short-lived page cache,
 * keyed on the catalogue's version (see cache.ts); signed-in users always get a fresh page.
 */
async function publicPage(
  platform: Platform,
  req: Request,
  res: Response,
  next: NextFunction,
  build: () => Promise<{ view: string; locals: Record<string, unknown> }>,
): Promise<void> {
  const cacheable = catalogCachingEnabled() && !viewerOf(req) && !(res.locals.flashes as unknown[]).length && req.originalUrl.length <= 1000;
  const key = `${res.locals.lang}|${req.originalUrl}`;
  const send = (page: CachedPage) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('ETag', page.etag);
    if (req.headers['if-none-match'] === page.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('Content-Length', String(page.body.length));
    // The bytes and their ETag are computed once per cached page, not on every hit.
    res.end(page.body);
  };
  // Read before the page is built, so a page stored under a version holds that version's data or newer.
  const version = cacheable ? await pageCache.version(platform.sequelize) : null;
  const flight = version === null ? null : `${version}\u0000${key}`;
  if (version !== null) {
    const hit = pageCache.get(version, key);
    if (hit !== undefined) return send(hit);
    // The same page being built for another visitor: wait for it rather than build it again.
    const building = inFlight.get(flight!);
    if (building) {
      const page = await building;
      if (page) return send(page);
    }
  }
  let settle: (page: CachedPage | null) => void = () => undefined;
  if (flight) {
    const promise = new Promise<CachedPage | null>((resolve) => (settle = resolve));
    inFlight.set(flight, promise);
    void promise.finally(() => inFlight.delete(flight));
  }
  try {
    const { view, locals } = await build();
    res.render(view, locals, (err: Error | null, html: string) => {
      if (err) {
        settle(null);
        return next(err);
      }
      if (version === null || res.statusCode !== 200) {
        settle(null);
        return void res.send(html);
      }
      const body = Buffer.from(html, 'utf8');
      const page: CachedPage = { body, etag: `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"` };
      pageCache.set(version, key, page);
      settle(page);
      send(page);
    });
  } catch (err) {
    settle(null);
    throw err;
  }
}

/** Anonymous pages being built, by version and key: concurrent misses of one page build it once. */
const inFlight = new Map<string, Promise<CachedPage | null>>();

export function catalogRouter(platform: Platform): Router {
  const router = Router();
  const { sequelize } = platform;

  // ---- The public list ----
  router.get('/catalogo', async (req, res, next) => {
    await publicPage(platform, req, res, next, async () => {
      const query = req.query as Record<string, unknown>;
      const filter = parseFilter(query);
      const page = parsePage(query, PER_PAGE);
      let found = await searchCatalog(sequelize, filter, page.offset);
      if (found.onlyStopWords) {
        filter.notices.push(msg('catalog:notice.stopWords', { q: filter.q }));
        filter.q = null;
        if (filter.sort === 'rilevanza') filter.sort = 'recenti';
        found = await searchCatalog(sequelize, filter, page.offset);
      }
      const { counts, items } = found;
      const t = tOf(res);
      const views = facetViews(filter, counts, t, String(res.locals.lang));
      const pagination = paginate(counts.total, page, '/catalogo', query);
      const beyond = counts.total > 0 && items.length === 0;
      // «Forse cercavi» is for words that find nothing at all, not for filters that leave no result.
      const suggestions = filter.q && counts.textMatches === 0 ? await similarNames(sequelize, filter.q) : [];
      const filtered = hasFilters(filter);
      const viewer = viewerOf(req);
      const canPropose = viewer ? canImport(viewer, await viewerBody(viewer)) : false;
      return {
        view: 'catalog/list',
        locals: {
          ...common,
          title: filter.q ? t('catalog:list.titleSearch', { q: filter.q }) : t('catalog:title'),
          filter,
          items,
          total: counts.total,
          inUseTotal: counts.inUse,
          facets: views,
          chips: activeFilterChips(filter, views, t),
          pagination,
          beyond,
          suggestions,
          filtered,
          canPropose,
          exportQuery: filterQuery(filter),
          sortLinks: SORT_KEYS.filter((s) => s !== 'rilevanza' || filter.q),
        },
      };
    });
  });

  const openDataFilter = (req: Request) => {
    const filter = parseFilter(req.query as Record<string, unknown>);
    return filter;
  };

  router.get('/catalogo.csv', async (req, res) => {
    const filter = openDataFilter(req);
    await sendCsv(platform, res, { filename: 'catalogo-riuso.csv', columns: OPEN_DATA_COLUMNS, rows: openDataCsvRows(openDataRows(sequelize, filter, platform.config.baseUrl)) });
  });

  router.get('/catalogo.json', async (req, res) => {
    const filter = openDataFilter(req);
    const head = { titolo: `${openDataT('catalog:title')} — ${platform.config.centre.name}`, generato_il: new Date().toISOString(), fonte: `${platform.config.baseUrl}/catalogo` };
    await sendJsonStream(platform, res, { filename: 'catalogo-riuso.json', disposition: 'inline', chunks: openDataJson(head, openDataRows(sequelize, filter, platform.config.baseUrl)) });
  });

  // ---- Import ----
  const importLocals = async (req: Request, res: Response) => {
    const viewer = actorOf(req);
    const body = await viewerBody(viewer);
    assertCanImport(viewer, body);
    return {
      ...common,
      title: tOf(res)('catalog:import.title'),
      staff: isStaff(viewer),
      entityOptions: isStaff(viewer) ? await cedentOptions() : [],
      maxKb: Math.round(IMPORT_MAX_BYTES / 1024),
    };
  };
  router.get('/catalogo/importa', requireLogin, async (req, res) => {
    res.render('catalog/import', { ...(await importLocals(req, res)), values: { source: 'upload', entityId: 'auto' } });
  });
  const importUpload = acceptUploads(platform, { field: 'file', maxFiles: 1, maxBytes: IMPORT_MAX_BYTES });
  router.post('/catalogo/importa', requireLogin, permitUpload(async (req) => assertCanImport(actorOf(req), await viewerBody(actorOf(req)))), importUpload, async (req, res) => {
    const viewer = actorOf(req);
    await formAction(req, res, 'catalog/import', { ...(await importLocals(req, res)), values: { source: 'upload', entityId: 'auto' } }, async () => {
      const file = uploadedFiles(req)[0] ?? null;
      const upload = file ? { buffer: await readUpload(file), originalname: file.originalName } : null;
      const token = await createPendingImport(platform, viewer, await viewerBody(viewer), req.body, upload);
      res.redirect(`/catalogo/importa/${token}`);
    });
  });

  const previewLocals = async (req: Request, res: Response) => {
    const viewer = actorOf(req);
    const preview = await importPreview(platform, viewer, await viewerBody(viewer), String(req.params.token));
    return { ...common, title: tOf(res)('catalog:preview.title', { name: preview.asset.name }), preview };
  };
  router.get('/catalogo/importa/:token', requireLogin, async (req, res) => {
    res.render('catalog/preview', { ...(await previewLocals(req, res)), values: { kind: 'software' } });
  });
  router.post('/catalogo/importa/:token', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const locals = await previewLocals(req, res);
    await formAction(req, res, 'catalog/preview', locals, async () => {
      const { asset, created } = await confirmImport(platform, viewer, await viewerBody(viewer), String(req.params.token), req.body);
      const outcome = asset.status === 'published' ? 'Published' : asset.status === 'submitted' ? 'Submitted' : 'Draft';
      flash(req, 'success', msg(`catalog:flash.${created ? 'imported' : 'reimported'}${outcome}`, { name: asset.name }));
      res.redirect(`/catalogo/${asset.slug}`);
    });
  });
  router.post('/catalogo/importa/:token/annulla', requireLogin, async (req, res) => {
    await discardImport(actorOf(req), String(req.params.token));
    flash(req, 'info', msg('catalog:flash.importDiscarded'));
    res.redirect('/catalogo/importa');
  });

  // ---- New asset from the form ----
  const formLocals = async (req: Request, extra: Record<string, unknown>) => {
    const viewer = actorOf(req);
    return {
      ...common,
      staff: isStaff(viewer),
      entityOptions: isStaff(viewer) ? await cedentOptions() : [],
      ...extra,
    };
  };
  router.get('/catalogo/nuovo', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    assertCanImport(viewer, await viewerBody(viewer));
    res.render('catalog/form', { ...(await formLocals(req, { title: tOf(res)('catalog:form.newTitle'), asset: null, action: '/catalogo/nuovo' })), values: formValuesFrom(null) });
  });
  router.post('/catalogo/nuovo', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const body = await viewerBody(viewer);
    assertCanImport(viewer, body);
    const locals = await formLocals(req, { title: tOf(res)('catalog:form.newTitle'), asset: null, action: '/catalogo/nuovo', values: formValuesFrom(null) });
    await formAction(req, res, 'catalog/form', locals, async () => {
      const asset = await createAsset(platform, viewer, body, req.body);
      flash(req, 'success', msg('catalog:flash.created', { name: asset.name }));
      res.redirect(`/catalogo/${asset.slug}`);
    });
  });

  // ---- Lists for cedents and staff ----
  router.get('/catalogo/gestione', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const body = await viewerBody(viewer);
    if (!canManage(viewer, body)) assertCanImport(viewer, body);
    const raw = typeof req.query.stato === 'string' ? req.query.stato : isStaff(viewer) ? 'submitted' : '';
    const status = (ASSET_STATUSES as readonly string[]).includes(raw) ? (raw as AssetStatus) : null;
    const page = parsePage(req.query as Record<string, unknown>);
    const result = await managedAssets(viewer, body, status, page);
    res.render('catalog/manage', {
      ...common,
      title: tOf(res)(isStaff(viewer) ? 'catalog:manage.titleStaff' : 'catalog:manage.titleBody'),
      ...result,
      status,
      staff: isStaff(viewer),
      pagination: paginate(result.total, page, '/catalogo/gestione', req.query as Record<string, unknown>),
    });
  });

  router.get('/catalogo/adozioni', requireLogin, async (req, res) => {
    const filter = parseMatrixFilter(req.query as Record<string, unknown>);
    const page = parsePage(req.query as Record<string, unknown>);
    const matrix = await adoptionMatrix(platform, viewerOf(req), filter, page);
    res.render('catalog/matrix', {
      ...common,
      title: tOf(res)('catalog:matrix.title'),
      matrix,
      filter,
      query: req.query,
      pagination: paginate(matrix.total, page, '/catalogo/adozioni', req.query as Record<string, unknown>),
    });
  });
  router.get('/catalogo/adozioni.csv', requireLogin, async (req, res) => {
    const filter = parseMatrixFilter(req.query as Record<string, unknown>);
    await sendCsv(platform, res, { filename: 'matrice-adozioni.csv', rows: adoptionMatrixCsv(platform, viewerOf(req), filter) });
  });

  // ---- One asset ----
  const showLocals = async (req: Request, res: Response) => {
    const viewer = viewerOf(req);
    const page = await assetPage(platform, viewer, String(req.params.slug), { allAdopters: req.query.enti === 'tutti' });
    const langs = Object.keys(page.pc.descriptions);
    const wanted = typeof req.query.lingua === 'string' ? req.query.lingua : null;
    const ordered = [...langs].sort((a, b) => (a === 'it' ? -1 : b === 'it' ? 1 : a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
    // The description shown first: the one asked for, else the reader's language, else Italian, English, the others.
    const uiLang = String(res.locals.lang);
    const descLang = wanted && langs.includes(wanted) ? wanted : langs.includes(uiLang) ? uiLang : ordered[0] ?? null;
    const body = viewer && !isStaff(viewer) && viewer.entityId ? viewer.entityId : null;
    return {
      ...common,
      ...page,
      title: page.asset.name,
      descLang,
      langs: ordered,
      uiLang,
      bodyUser: body !== null,
      values: page.ownAdoption
        ? { status: page.ownAdoption.status, since: page.ownAdoption.since, note: page.ownAdoption.note ?? '' }
        : { status: 'interested', since: new Date().toISOString().slice(0, 10), note: '' },
    };
  };
  router.get('/catalogo/:slug', async (req, res, next) => {
    await publicPage(platform, req, res, next, async () => ({ view: 'catalog/show', locals: await showLocals(req, res) }));
  });

  router.get('/catalogo/:slug/publiccode.yml', async (req, res) => {
    const asset = await loadAsset(viewerOf(req), String(req.params.slug));
    if (!asset.url) {
      res.status(404).render('errors/error', { status: 404, titleKey: 'errors.404title', textKey: '', message: tOf(res)('catalog:error.noPubliccode'), details: [] });
      return;
    }
    res.setHeader('Content-Type', 'text/yaml; charset=utf-8');
    res.setHeader('Content-Disposition', 'inline; filename="publiccode.yml"');
    const ipa = await entityIpa(asset.entityId);
    res.send(exportPubliccode(asset.publiccode, ipa ? { cedentIpaCode: ipa } : {}));
  });

  /** The edit page's locals: the asset's form and its files panel (with the panel's own values and errors). */
  const editLocals = async (req: Request, res: Response) => {
    const viewer = actorOf(req);
    const asset = await loadAsset(viewer, String(req.params.slug));
    const page = await assetPage(platform, viewer, asset.slug);
    if (!page.permissions.edit) assertCanEditAsset(viewer, asset);
    const locals = await formLocals(req, {
      title: tOf(res)('catalog:form.editTitle', { name: asset.name }),
      asset,
      page,
      action: `/catalogo/${asset.slug}/modifica`,
      values: formValuesFrom(asset),
      fileMaxMb: Math.round(uploadLimit(platform.config) / (1024 * 1024)),
      fileMaxCount: FILE_MAX_COUNT,
      fileValues: {},
      fileErrors: {},
    });
    return { asset, locals };
  };
  router.get('/catalogo/:slug/modifica', requireLogin, async (req, res) => {
    res.render('catalog/form', (await editLocals(req, res)).locals);
  });
  router.post('/catalogo/:slug/modifica', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const { asset, locals } = await editLocals(req, res);
    await formAction(req, res, 'catalog/form', locals, async () => {
      const updated = await updateAsset(platform, viewer, await viewerBody(viewer), asset.slug, req.body);
      flash(req, 'success', updated.complete ? msg('catalog:flash.saved') : msg('catalog:flash.savedWithProblems', { count: updated.warnings.length }));
      res.redirect(`/catalogo/${updated.slug}`);
    });
  });

  /** A workflow button: success → flash and on; bad input or a race → the message, back on the asset page. */
  const workflow = (path: string, run: (req: Request) => Promise<{ message: Message; to?: string }>) => {
    router.post(`/catalogo/:slug/${path}`, requireLogin, async (req, res) => {
      const slug = String(req.params.slug);
      try {
        const { message, to } = await run(req);
        flash(req, 'success', message);
        res.redirect(to ?? `/catalogo/${slug}`);
      } catch (err) {
        if (err instanceof ValidationError) for (const m of refusalMessages(err) ?? []) flash(req, 'danger', m);
        else if (err instanceof ConflictError) flash(req, 'danger', err.message);
        else throw err;
        res.redirect(`/catalogo/${slug}#gestione`);
      }
    });
  };
  const slugOf = (req: Request) => String(req.params.slug);
  workflow('invia', async (req) => ({ message: msg('catalog:flash.submitted', { name: (await submitAsset(platform, actorOf(req), slugOf(req))).name }) }));
  workflow('pubblica', async (req) => ({ message: msg('catalog:flash.published', { name: (await publishAsset(platform, actorOf(req), slugOf(req), req.body)).name }) }));
  workflow('restituisci', async (req) => ({ message: msg('catalog:flash.returned', { name: (await returnAsset(platform, actorOf(req), slugOf(req), req.body)).name }) }));
  workflow('archivia', async (req) => ({ message: msg('catalog:flash.archived', { name: (await archiveAsset(platform, actorOf(req), slugOf(req), req.body)).name }) }));
  workflow('ripristina', async (req) => {
    const asset = await restoreAsset(platform, actorOf(req), slugOf(req));
    return { message: msg('catalog:flash.restored', { name: asset.name, status: `catalog:statusLower.${asset.status}` }) };
  });
  workflow('elimina', async (req) => {
    const confirmed = (req.body as Record<string, unknown>).confirm === 'on';
    return { message: msg('catalog:flash.deleted', { name: (await deleteAsset(platform, actorOf(req), slugOf(req), confirmed)).name }), to: '/catalogo/gestione' };
  });

  router.post('/catalogo/:slug/adozione', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const locals = await showLocals(req, res);
    await formAction(req, res, 'catalog/show', locals, async () => {
      const { status, created } = await declareAdoption(platform, viewer, String(req.params.slug), req.body);
      flash(req, 'success', msg(created ? 'catalog:flash.adoptionCreated' : 'catalog:flash.adoptionUpdated', { status: `catalog:adoptionLower.${status}` }));
      res.redirect(`/catalogo/${String(req.params.slug)}#adozione`);
    });
  });

  // ---- Files ----
  router.post('/catalogo/:slug/file', requireLogin, permitUpload(async (req) => assertCanEditAsset(actorOf(req), await loadAsset(actorOf(req), String(req.params.slug)))), acceptUploads(platform, { field: 'files', maxFiles: FILE_MAX_COUNT }), async (req, res) => {
    try {
      const n = await addAssetFiles(platform, actorOf(req), String(req.params.slug), req.body, uploadedFiles(req));
      flash(req, 'success', n === 1 ? msg('catalog:flash.fileUploaded') : msg('catalog:flash.filesUploaded', { count: n }));
      res.redirect(`/catalogo/${String(req.params.slug)}/modifica#file`);
    } catch (err) {
      // A refusal comes back inside the files panel of the edit page, next to its field, with what was typed.
      if (!refusalMessages(err)) throw err;
      const tm = messageTranslatorOf(res);
      const fields = err instanceof FileRejectedError ? { [err.field ?? 'files']: err.message } : (err as ValidationError).fields;
      const fileErrors = Object.fromEntries(Object.entries(fields).map(([name, m]) => [name, tm(m)]));
      res.status(422).render('catalog/form', { ...(await editLocals(req, res)).locals, fileValues: req.body ?? {}, fileErrors });
    }
  });
  router.get('/catalogo/:slug/file/:id/elimina', requireLogin, async (req, res) => {
    const { asset, row } = await assetFileForEdit(actorOf(req), String(req.params.slug), idParam(req.params.id));
    res.render('catalog/file-delete', { ...common, title: tOf(res)('catalog:fileDelete.title', { name: row.title }), asset, file: row });
  });
  router.post('/catalogo/:slug/file/:id/elimina', requireLogin, async (req, res) => {
    const slug = String(req.params.slug);
    const id = idParam(req.params.id);
    // Deleted only once confirmed: a bare post (a stray click, an old form) leads to the question.
    if ((req.body as Record<string, unknown>).confirm !== 'on') {
      await assetFileForEdit(actorOf(req), slug, id);
      res.redirect(`/catalogo/${slug}/file/${id}/elimina`);
      return;
    }
    await removeAssetFile(platform, actorOf(req), slug, id);
    flash(req, 'success', msg('catalog:flash.fileDeleted'));
    res.redirect(`/catalogo/${slug}/modifica#file`);
  });
  router.get('/catalogo/:slug/file/:id', async (req, res) => {
    const { meta } = await assetFileForDownload(platform, viewerOf(req), String(req.params.slug), idParam(req.params.id));
    await sendStoredFile(platform, res, meta, { cacheControl: 'private, max-age=300' });
  });

  return router;
}
