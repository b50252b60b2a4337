// /notizie: the public news (list by tag, post page, Atom and RSS), and the staff's writing desk.
// Handlers parse, call a service, render or redirect.
import { Router, type Request, type Response } from 'express';
import type { Platform } from '../../platform/context.js';
import { msg } from '../../platform/messages.js';
import { actorOf, flash, formAction, idParam, requireStaff, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { sendStoredFile } from '../../web/responders.js';
import { acceptUploads, uploadedFiles } from '../../web/uploads.js';
import { buildFeed } from './feed.js';
import { canManageNews } from './policy.js';
import { LINK_KINDS } from './schemas.js';
import { TIME_ZONE, feedEntries, getPost, listForStaff, listPublished, postForEdit, postImage, savePost, unpublishPost, type PostView } from './service.js';
import { DateTime } from 'luxon';

type Translate = (key: string, params?: Record<string, unknown>) => string;
const tOf = (res: Response): Translate => res.locals.t as Translate;
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const base = { styles: ['/static/app/css/news.css'], LINK_KINDS };

/** The links advertised in the head of the news pages (the feeds). */
const alternates = (t: Translate) => [
  { type: 'application/atom+xml', title: t('news:feed.atom'), href: '/notizie/feed.atom' },
  { type: 'application/rss+xml', title: t('news:feed.rss'), href: '/notizie/feed.rss' },
];

function postValues(p: PostView | null): Record<string, unknown> {
  if (!p) return { intent: 'publish' };
  const at = p.publishAt ? DateTime.fromJSDate(p.publishAt, { zone: TIME_ZONE }) : null;
  return {
    title: p.title,
    summary: p.summary,
    body: p.bodyMd,
    tags: p.tags.join(', '),
    imageAlt: p.imageAlt ?? '',
    linkKind: p.linkKind ?? '',
    linkPath: p.linkPath ?? '',
    publishOn: at && p.state === 'scheduled' ? at.toISODate() : '',
    publishTime: at && p.state === 'scheduled' ? at.toFormat('HH:mm') : '',
  };
}

export function newsRouter(platform: Platform): Router {
  const router = Router();
  const site = (res: Response) => ({
    baseUrl: platform.config.baseUrl,
    title: tOf(res)('news:feed.title', { centre: platform.config.centre.name }),
    description: tOf(res)('news:feed.description'),
    language: String(res.locals.lang ?? 'it'),
    copyright: platform.config.centre.name,
  });

  router.get('/notizie', async (req, res) => {
    const page = parsePage(req.query as Record<string, unknown>, 9);
    const result = await listPublished(platform, req.query as Record<string, unknown>, page);
    res.render('news/index', {
      ...base,
      title: tOf(res)('news:list.title'),
      ...result,
      alternates: alternates(tOf(res)),
      canManage: canManageNews(viewerOf(req)),
      pagination: paginate(result.total, page, '/notizie', req.query as Record<string, unknown>),
    });
  });

  router.get('/notizie/feed.atom', async (_req, res) => {
    const feed = buildFeed(site(res), await feedEntries(platform));
    res.type('application/atom+xml; charset=utf-8').setHeader('Cache-Control', 'public, max-age=300');
    res.send(feed.atom1());
  });
  router.get('/notizie/feed.rss', async (_req, res) => {
    const feed = buildFeed(site(res), await feedEntries(platform));
    res.type('application/rss+xml; charset=utf-8').setHeader('Cache-Control', 'public, max-age=300');
    res.send(feed.rss2());
  });

  router.get('/notizie/immagini/:fileId', async (req, res) => {
    const fileId = await postImage(platform, viewerOf(req), String(req.params.fileId));
    await sendStoredFile(platform, res, fileId, { cacheControl: 'public, max-age=3600' });
  });

  // ---- Staff ----

  router.get('/notizie/gestione', requireStaff, async (req, res) => {
    const page = parsePage(req.query as Record<string, unknown>);
    const result = await listForStaff(platform, actorOf(req), req.query as Record<string, unknown>, page);
    res.render('news/manage', { ...base, title: tOf(res)('news:manage.title'), ...result, pagination: paginate(result.total, page, '/notizie/gestione', req.query as Record<string, unknown>) });
  });

  const formLocals = (res: Response, post: PostView | null, values = postValues(post)) => ({
    ...base,
    title: post ? tOf(res)('news:form.editTitle') : tOf(res)('news:form.newTitle'),
    post,
    values,
    action: post ? `/notizie/${post.id}` : '/notizie',
  });

  router.get('/notizie/nuova', requireStaff, (_req, res) => {
    res.render('news/form', formLocals(res, null));
  });

  const imageUpload = acceptUploads(platform, { field: 'image', maxFiles: 1, maxBytes: IMAGE_MAX_BYTES });
  const save = async (req: Request, res: Response, post: PostView | null) => {
    await formAction(req, res, 'news/form', formLocals(res, post, {}), async () => {
      const image = uploadedFiles(req)[0] ?? null;
      const saved = await savePost(platform, actorOf(req), post?.id ?? null, req.body, image ? { path: image.path, originalName: image.originalName } : null);
      flash(req, 'success', msg(`news:flash.${saved.state}`));
      res.redirect(`/notizie/${saved.id}`);
    });
  };
  router.post('/notizie', requireStaff, imageUpload, (req, res) => save(req, res, null));

  router.get('/notizie/:id', async (req, res) => {
    const post = await getPost(platform, viewerOf(req), idParam(req.params.id));
    res.render('news/post', { ...base, title: post.title, post, alternates: alternates(tOf(res)), canManage: canManageNews(viewerOf(req)) });
  });

  router.get('/notizie/:id/modifica', requireStaff, async (req, res) => {
    res.render('news/form', formLocals(res, await postForEdit(platform, actorOf(req), idParam(req.params.id))));
  });
  router.post('/notizie/:id', requireStaff, imageUpload, async (req, res) => {
    await save(req, res, await postForEdit(platform, actorOf(req), idParam(req.params.id)));
  });
  router.post('/notizie/:id/ritira', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    await unpublishPost(platform, actorOf(req), id);
    flash(req, 'success', msg('news:flash.unpublished'));
    res.redirect(`/notizie/${id}`);
  });

  return router;
}
