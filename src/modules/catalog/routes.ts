// Catalogue routes: thin handlers that parse the request, call the services and render or redirect.
import { createHash } from 'node:crypto';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isStaff } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, ValidationError } from '../../platform/errors.js';
import { actorOf, flash, formAction, idParam, requireLogin, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { sendCsv, sendStoredFile } from '../../web/responders.js';
import { acceptUploads, uploadedFiles } from '../../web/uploads.js';
import { adoptionMatrix, adoptionMatrixCsv, declareAdoption, parseMatrixFilter } from './adoption.js';
import { safeHref } from './assets.js';
import { catalogCachingEnabled, pageCache, type CachedPage } from './cache.js';
import { OPEN_DATA_COLUMNS, openDataCsvRows, openDataRows } from './exports.js';
import { confirmImport, createPendingImport, discardImport, IMPORT_MAX_BYTES, importPreview } from './importer.js';
import { ASSET_STATUSES, type AssetStatus } from './models.js';
import { assertCanEditAsset, assertCanImport, canImport, canManage } from './policy.js';
import { exportPubliccode } from './publiccode-export.js';
import { ADOPTION_LABELS, FILE_ROLE_LABELS, KIND_HINTS, KIND_LABELS, SORT_LABELS, STATUS_LABELS } from './schemas.js';
import {
  activeFilterChips,
  facetCounts,
  facetViews,
  filterQuery,
  hasFilters,
  onlyStopWords,
  parseFilter,
  PER_PAGE,
  searchPage,
  similarNames,
} from './search.js';
import {
  addAssetFiles,
  archiveAsset,
  assetFileForDownload,
  assetPage,
  cedentOptions,
  createAsset,
  deleteAsset,
  entityIpa,
  FILE_MAX_BYTES,
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
  CATEGORY_LABELS,
  CONFORMITY_LABELS,
  DEVELOPMENT_STATUS_LABELS,
  ITALIAN_PLATFORM_LABELS,
  MAINTENANCE_TYPE_LABELS,
  PLATFORM_LABELS,
  PNRR_MEASURES,
  SCOPE_LABELS,
  SOFTWARE_TYPE_LABELS,
} from './vocabulary.js';

const STYLES = ['/static/app/css/catalog.css'];
const SCRIPTS = ['/static/app/js/catalog.js'];

export const labels = {
  kinds: KIND_LABELS,
  kindHints: KIND_HINTS,
  statuses: STATUS_LABELS,
  adoption: ADOPTION_LABELS,
  categories: CATEGORY_LABELS,
  scopes: SCOPE_LABELS,
  devStatus: DEVELOPMENT_STATUS_LABELS,
  softwareTypes: SOFTWARE_TYPE_LABELS,
  maintenance: MAINTENANCE_TYPE_LABELS,
  platforms: PLATFORM_LABELS,
  italian: ITALIAN_PLATFORM_LABELS,
  conformity: CONFORMITY_LABELS,
  pnrr: PNRR_MEASURES,
  sorts: SORT_LABELS,
  fileRoles: FILE_ROLE_LABELS,
};
const LANGUAGE_NAMES: Record<string, string> = { it: 'Italiano', ita: 'Italiano', eng: 'English', en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', sl: 'Slovenščina', nl: 'Nederlands', sv: 'Svenska', pl: 'Polski', lt: 'Lietuvių', pt: 'Português' };
export const languageName = (code: string) => LANGUAGE_NAMES[code] ?? code;
const common = { styles: STYLES, scripts: SCRIPTS, L: labels, safeHref, languageName };

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
  if (version !== null) {
    const hit = pageCache.get(version, key);
    if (hit !== undefined) return send(hit);
  }
  const { view, locals } = await build();
  res.render(view, locals, (err: Error | null, html: string) => {
    if (err) return next(err);
    if (version === null || res.statusCode !== 200) return void res.send(html);
    const body = Buffer.from(html, 'utf8');
    const page: CachedPage = { body, etag: `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"` };
    pageCache.set(version, key, page);
    send(page);
  });
}

/** The upload middleware, with its refusals (too large, too many) shown on the form instead of an error page. */
function uploads(field: string, maxFiles: number, maxBytes: number, onError: (req: Request, res: Response, err: ValidationError) => Promise<void>): RequestHandler {
  const parse = acceptUploads({ field, maxFiles, maxBytes });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err instanceof ValidationError) {
        onError(req, res, err).catch(next);
        return;
      }
      next(err);
    });
  };
}

export function catalogRouter(platform: Platform): Router {
  const router = Router();
  const { sequelize } = platform;

  // ---- The public list ----
  router.get('/catalogo', async (req, res, next) => {
    await publicPage(platform, req, res, next, async () => {
      const query = req.query as Record<string, unknown>;
      const filter = parseFilter(query);
      const page = parsePage(query, PER_PAGE);
      if (filter.q && (await onlyStopWords(sequelize, filter.q))) {
        filter.notices.push(`«${filter.q}» contiene solo parole troppo comuni per una ricerca: prova con parole più specifiche.`);
        filter.q = null;
        if (filter.sort === 'rilevanza') filter.sort = 'recenti';
      }
      const [counts, items] = await Promise.all([facetCounts(sequelize, filter), searchPage(sequelize, filter, page.offset)]);
      const views = facetViews(filter, counts);
      const pagination = paginate(counts.total, page, '/catalogo', query);
      const beyond = counts.total > 0 && items.length === 0;
      const suggestions = counts.total === 0 && filter.q ? await similarNames(sequelize, filter.q) : [];
      const filtered = hasFilters(filter);
      const viewer = viewerOf(req);
      const canPropose = viewer ? canImport(viewer, await viewerBody(viewer)) : false;
      return {
        view: 'catalog/list',
        locals: {
          ...common,
          title: filter.q ? `Catalogo: «${filter.q}»` : 'Catalogo del riuso',
          filter,
          items,
          total: counts.total,
          inUseTotal: counts.inUse,
          facets: views,
          chips: activeFilterChips(filter, views),
          pagination,
          beyond,
          suggestions,
          filtered,
          canPropose,
          exportQuery: filterQuery(filter),
          sortLinks: Object.keys(SORT_LABELS).filter((s) => s !== 'rilevanza' || filter.q),
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
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', 'inline; filename="catalogo-riuso.json"');
    res.write(`{"titolo":"Catalogo del riuso — ${platform.config.centre.name.replace(/["\\]/g, '')}","generato_il":${JSON.stringify(new Date().toISOString())},"fonte":${JSON.stringify(`${platform.config.baseUrl}/catalogo`)},"asset":[`);
    let first = true;
    for await (const row of openDataRows(sequelize, filter, platform.config.baseUrl)) {
      const ok = res.write(`${first ? '' : ','}\n${JSON.stringify(row)}`);
      first = false;
      if (!ok) await new Promise((r) => res.once('drain', r));
    }
    res.end('\n]}\n');
  });

  // ---- Import ----
  const importLocals = async (req: Request) => {
    const viewer = actorOf(req);
    const body = await viewerBody(viewer);
    assertCanImport(viewer, body);
    return {
      ...common,
      title: 'Importa un publiccode.yml',
      staff: isStaff(viewer),
      entityOptions: isStaff(viewer) ? await cedentOptions() : [],
      maxKb: Math.round(IMPORT_MAX_BYTES / 1024),
    };
  };
  router.get('/catalogo/importa', requireLogin, async (req, res) => {
    res.render('catalog/import', { ...(await importLocals(req)), values: { source: 'upload', entityId: 'auto' } });
  });
  const renderImportError = async (req: Request, res: Response, err: ValidationError) => {
    const fields = { ...err.fields };
    if (fields.file === 'Un campo del modulo è troppo lungo.') {
      delete fields.file;
      fields.content = 'Il testo incollato è troppo lungo (al massimo 200 KB): carica il file invece di incollarlo.';
    }
    const values: Record<string, unknown> = { source: 'upload', entityId: 'auto', ...(req.body as Record<string, unknown> | undefined) };
    delete values._csrf;
    res.status(422).render('catalog/import', { ...(await importLocals(req)), values, errors: fields, errorMessage: err.message });
  };
  router.post('/catalogo/importa', requireLogin, uploads('file', 1, IMPORT_MAX_BYTES, renderImportError), async (req, res) => {
    const viewer = actorOf(req);
    const file = uploadedFiles(req)[0] ?? null;
    try {
      const token = await createPendingImport(platform, viewer, await viewerBody(viewer), req.body, file ? { buffer: file.buffer, originalname: file.originalname } : null);
      res.redirect(`/catalogo/importa/${token}`);
    } catch (err) {
      if (err instanceof ValidationError) return renderImportError(req, res, err);
      throw err;
    }
  });

  const previewLocals = async (req: Request) => {
    const viewer = actorOf(req);
    const preview = await importPreview(platform, viewer, await viewerBody(viewer), String(req.params.token));
    return { ...common, title: `Anteprima: ${preview.asset.name}`, preview, languageName };
  };
  router.get('/catalogo/importa/:token', requireLogin, async (req, res) => {
    res.render('catalog/preview', { ...(await previewLocals(req)), values: { kind: 'software' } });
  });
  router.post('/catalogo/importa/:token', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const locals = await previewLocals(req);
    await formAction(req, res, 'catalog/preview', locals, async () => {
      const { asset, created } = await confirmImport(platform, viewer, await viewerBody(viewer), String(req.params.token), req.body);
      const what = asset.status === 'published' ? 'pubblicato' : asset.status === 'submitted' ? 'inviato al centro per la revisione' : 'salvato come bozza';
      flash(req, 'success', `«${asset.name}» ${created ? 'importato' : 'aggiornato'} e ${what}.`);
      res.redirect(`/catalogo/${asset.slug}`);
    });
  });
  router.post('/catalogo/importa/:token/annulla', requireLogin, async (req, res) => {
    await discardImport(actorOf(req), String(req.params.token));
    flash(req, 'info', 'Importazione annullata: non è stato salvato nulla.');
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
    res.render('catalog/form', { ...(await formLocals(req, { title: 'Nuovo asset', asset: null, action: '/catalogo/nuovo' })), values: formValuesFrom(null) });
  });
  router.post('/catalogo/nuovo', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const body = await viewerBody(viewer);
    assertCanImport(viewer, body);
    const locals = await formLocals(req, { title: 'Nuovo asset', asset: null, action: '/catalogo/nuovo', values: formValuesFrom(null) });
    await formAction(req, res, 'catalog/form', locals, async () => {
      const asset = await createAsset(platform, viewer, body, req.body);
      flash(req, 'success', `Bozza «${asset.name}» creata. Completa la scheda, aggiungi gli allegati e inviala al centro quando è pronta.`);
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
      title: isStaff(viewer) ? 'Gestione del catalogo' : 'Gli asset del tuo ente',
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
      title: 'Matrice delle adozioni',
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
  const showLocals = async (req: Request) => {
    const viewer = viewerOf(req);
    const page = await assetPage(platform, viewer, String(req.params.slug), { allAdopters: req.query.enti === 'tutti' });
    const langs = Object.keys(page.pc.descriptions);
    const wanted = typeof req.query.lingua === 'string' ? req.query.lingua : null;
    const ordered = [...langs].sort((a, b) => (a === 'it' ? -1 : b === 'it' ? 1 : a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
    const lang = wanted && langs.includes(wanted) ? wanted : ordered[0] ?? null;
    const body = viewer && !isStaff(viewer) && viewer.entityId ? viewer.entityId : null;
    return {
      ...common,
      ...page,
      title: page.asset.name,
      lang,
      langs: ordered,
      languageName,
      bodyUser: body !== null,
      values: page.ownAdoption
        ? { status: page.ownAdoption.status, since: page.ownAdoption.since, note: page.ownAdoption.note ?? '' }
        : { status: 'interested', since: new Date().toISOString().slice(0, 10), note: '' },
    };
  };
  router.get('/catalogo/:slug', async (req, res, next) => {
    await publicPage(platform, req, res, next, async () => ({ view: 'catalog/show', locals: await showLocals(req) }));
  });

  router.get('/catalogo/:slug/publiccode.yml', async (req, res) => {
    const asset = await loadAsset(viewerOf(req), String(req.params.slug));
    if (!asset.url) {
      res.status(404).render('errors/error', { status: 404, titleKey: 'errors.404title', textKey: '', message: 'Questo asset non ha un repository: il file publiccode.yml non è disponibile. Scarica gli allegati dalla sua pagina.', details: [] });
      return;
    }
    res.setHeader('Content-Type', 'text/yaml; charset=utf-8');
    res.setHeader('Content-Disposition', 'inline; filename="publiccode.yml"');
    const ipa = await entityIpa(asset.entityId);
    res.send(exportPubliccode(asset.publiccode, ipa ? { cedentIpaCode: ipa } : {}));
  });

  router.get('/catalogo/:slug/modifica', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const asset = await loadAsset(viewer, String(req.params.slug));
    const page = await assetPage(platform, viewer, asset.slug);
    if (!page.permissions.edit) assertCanEditAsset(viewer, asset);
    res.render('catalog/form', {
      ...(await formLocals(req, { title: `Modifica ${asset.name}`, asset, page, action: `/catalogo/${asset.slug}/modifica`, languageName })),
      values: formValuesFrom(asset),
      fileMaxMb: Math.round(FILE_MAX_BYTES / (1024 * 1024)),
      fileMaxCount: FILE_MAX_COUNT,
    });
  });
  router.post('/catalogo/:slug/modifica', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const asset = await loadAsset(viewer, String(req.params.slug));
    const page = await assetPage(platform, viewer, asset.slug);
    const locals = await formLocals(req, {
      title: `Modifica ${asset.name}`,
      asset,
      page,
      action: `/catalogo/${asset.slug}/modifica`,
      languageName,
      values: formValuesFrom(asset),
      fileMaxMb: Math.round(FILE_MAX_BYTES / (1024 * 1024)),
      fileMaxCount: FILE_MAX_COUNT,
    });
    await formAction(req, res, 'catalog/form', locals, async () => {
      const updated = await updateAsset(platform, viewer, await viewerBody(viewer), asset.slug, req.body);
      flash(req, 'success', updated.complete ? 'Modifiche salvate.' : `Modifiche salvate. Restano ${updated.warnings.length} problemi da risolvere prima della pubblicazione.`);
      res.redirect(`/catalogo/${updated.slug}`);
    });
  });

  /** A workflow button: success → flash and on; bad input or a race → the message, back on the asset page. */
  const workflow = (path: string, run: (req: Request) => Promise<{ message: string; to?: string }>) => {
    router.post(`/catalogo/:slug/${path}`, requireLogin, async (req, res) => {
      const slug = String(req.params.slug);
      try {
        const { message, to } = await run(req);
        flash(req, 'success', message);
        res.redirect(to ?? `/catalogo/${slug}`);
      } catch (err) {
        if (err instanceof ValidationError) flash(req, 'danger', Object.values(err.fields).join(' ') || err.message);
        else if (err instanceof ConflictError) flash(req, 'danger', err.message);
        else throw err;
        res.redirect(`/catalogo/${slug}#gestione`);
      }
    });
  };
  const slugOf = (req: Request) => String(req.params.slug);
  workflow('invia', async (req) => ({ message: `«${(await submitAsset(platform, actorOf(req), slugOf(req))).name}» inviato al centro: riceverai un’email quando sarà pubblicato o se servono correzioni.` }));
  workflow('pubblica', async (req) => ({ message: `«${(await publishAsset(platform, actorOf(req), slugOf(req), req.body)).name}» pubblicato nel catalogo.` }));
  workflow('restituisci', async (req) => ({ message: `«${(await returnAsset(platform, actorOf(req), slugOf(req), req.body)).name}» restituito all’ente con le tue osservazioni.` }));
  workflow('archivia', async (req) => ({ message: `«${(await archiveAsset(platform, actorOf(req), slugOf(req), req.body)).name}» archiviato: non è più visibile nel catalogo pubblico.` }));
  workflow('ripristina', async (req) => {
    const asset = await restoreAsset(platform, actorOf(req), slugOf(req));
    return { message: `«${asset.name}» ripristinato (${STATUS_LABELS[asset.status as AssetStatus].toLowerCase()}).` };
  });
  workflow('elimina', async (req) => {
    if ((req.body as Record<string, unknown>).confirm !== 'on') throw new ValidationError({ confirm: 'Spunta la conferma per eliminare la bozza.' });
    return { message: `Bozza «${(await deleteAsset(platform, actorOf(req), slugOf(req))).name}» eliminata.`, to: '/catalogo/gestione' };
  });

  router.post('/catalogo/:slug/adozione', requireLogin, async (req, res) => {
    const viewer = actorOf(req);
    const locals = await showLocals(req);
    await formAction(req, res, 'catalog/show', locals, async () => {
      const { status, created } = await declareAdoption(platform, viewer, String(req.params.slug), req.body);
      flash(req, 'success', `${created ? 'Dichiarazione registrata' : 'Dichiarazione aggiornata'}: ${ADOPTION_LABELS[status].toLowerCase()}.`);
      res.redirect(`/catalogo/${String(req.params.slug)}#adozione`);
    });
  });

  // ---- Files ----
  const fileError = async (req: Request, res: Response, err: ValidationError) => {
    flash(req, 'danger', Object.values(err.fields).join(' ') || err.message);
    res.redirect(`/catalogo/${String(req.params.slug)}/modifica#file`);
  };
  router.post('/catalogo/:slug/file', requireLogin, uploads('files', FILE_MAX_COUNT, FILE_MAX_BYTES, fileError), async (req, res) => {
    const files = uploadedFiles(req).map((f) => ({ buffer: f.buffer, originalname: f.originalname }));
    try {
      const n = await addAssetFiles(platform, actorOf(req), String(req.params.slug), req.body, files);
      flash(req, 'success', n === 1 ? 'File caricato.' : `${n} file caricati.`);
      res.redirect(`/catalogo/${String(req.params.slug)}/modifica#file`);
    } catch (err) {
      if (err instanceof ValidationError) return fileError(req, res, err);
      throw err;
    }
  });
  router.post('/catalogo/:slug/file/:id/elimina', requireLogin, async (req, res) => {
    await removeAssetFile(platform, actorOf(req), String(req.params.slug), idParam(req.params.id));
    flash(req, 'success', 'File eliminato.');
    res.redirect(`/catalogo/${String(req.params.slug)}/modifica#file`);
  });
  router.get('/catalogo/:slug/file/:id', async (req, res) => {
    const { meta } = await assetFileForDownload(platform, viewerOf(req), String(req.params.slug), idParam(req.params.id));
    await sendStoredFile(platform, res, meta, { cacheControl: 'private, max-age=300' });
  });

  return router;
}
