// /notizie: the public news (list by tag, post page, Atom and RSS), and the staff's writing desk.
// Handlers parse, call a service, render or redirect.
import { Router, type Request, type Response } from 'express';
import type { Platform } from '../../platform/context.js';
import { msg } from '../../platform/messages.js';
import { ConflictError } from '../../platform/errors.js';
import { actorOf, flash, formAction, idParam, requireLogin, requireStaff, viewerOf } from '../../web/http.js';
import { paginate, parsePage } from '../../web/pagination.js';
import { sendStoredFile } from '../../web/responders.js';
import { acceptUploads, uploadedFiles } from '../../web/uploads.js';
import { buildFeed } from './feed.js';
import { canManageNews } from './policy.js';
import {
  checkConfirmation,
  checkPreferences,
  checkUnsubscribe,
  confirmSubscription,
  deleteSubscriber,
  exportSubscriber,
  findSubscriber,
  getIssue,
  listIssues,
  postChoices,
  profileSubscription,
  saveIssue,
  savePreferences,
  saveProfileSubscription,
  sendTest,
  startSending,
  subscribe,
  unsubscribe,
} from './newsletter.js';
import { CONSENT_VERSION, LINK_KINDS, NEWSLETTER_TOPICS } from './schemas.js';
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

// ---- /newsletter: subscription, links from the messages, the profile, and the staff's issues ----

const nlBase = { styles: ['/static/app/css/news.css'], TOPICS: NEWSLETTER_TOPICS, consentVersion: CONSENT_VERSION };

export function newsletterRouter(platform: Platform): Router {
  const router = Router();

  router.get('/newsletter', (req, res) => {
    res.render('news/newsletter-subscribe', { ...nlBase, title: tOf(res)('news:newsletter.title'), values: {}, signedIn: !!viewerOf(req) });
  });
  router.post('/newsletter', async (req, res) => {
    await formAction(req, res, 'news/newsletter-subscribe', { ...nlBase, title: tOf(res)('news:newsletter.title'), signedIn: !!viewerOf(req) }, async () => {
      const { email } = await subscribe(platform, req.body);
      res.render('news/newsletter-done', { ...nlBase, title: tOf(res)('news:newsletter.checkTitle'), heading: tOf(res)('news:newsletter.checkTitle'), text: tOf(res)('news:newsletter.checkText', { email }) });
    });
  });

  const done = (res: Response, key: string, params: Record<string, unknown> = {}) =>
    res.render('news/newsletter-done', { ...nlBase, title: tOf(res)(`news:newsletter.${key}Title`), heading: tOf(res)(`news:newsletter.${key}Title`), text: tOf(res)(`news:newsletter.${key}Text`, params) });

  // A link opens a page with a button (mail scanners follow links); the button's POST uses it once.
  router.get('/newsletter/conferma/:token', async (req, res) => {
    const s = await checkConfirmation(platform, req.params.token);
    res.render('news/newsletter-link', { ...nlBase, title: tOf(res)('news:newsletter.confirmTitle'), heading: tOf(res)('news:newsletter.confirmTitle'), text: tOf(res)('news:newsletter.confirmText', { email: s.email }), action: `/newsletter/conferma/${req.params.token}`, button: tOf(res)('news:newsletter.confirmButton') });
  });
  router.post('/newsletter/conferma/:token', async (req, res) => {
    const s = await confirmSubscription(platform, req.params.token);
    done(res, 'confirmed', { email: s.email });
  });

  router.get('/newsletter/disiscrizione/:token', async (req, res) => {
    const s = await checkUnsubscribe(platform, req.params.token);
    res.render('news/newsletter-link', { ...nlBase, title: tOf(res)('news:newsletter.unsubscribeTitle'), heading: tOf(res)('news:newsletter.unsubscribeTitle'), text: tOf(res)('news:newsletter.unsubscribeText', { email: s.email }), action: `/newsletter/disiscrizione/${req.params.token}`, button: tOf(res)('news:newsletter.unsubscribeButton') });
  });
  // RFC 8058: the mail client POSTs «List-Unsubscribe=One-Click» to this URL, without a session (no CSRF check: see module.ts).
  router.post('/newsletter/disiscrizione/:token', async (req, res) => {
    const s = await unsubscribe(platform, req.params.token);
    done(res, 'unsubscribed', { email: s.email });
  });

  const prefsLocals = (res: Response, token: string, email: string) => ({ ...nlBase, title: tOf(res)('news:newsletter.preferencesTitle'), email, action: `/newsletter/preferenze/${token}` });
  router.get('/newsletter/preferenze/:token', async (req, res) => {
    const s = await checkPreferences(platform, req.params.token);
    res.render('news/newsletter-preferences', { ...prefsLocals(res, req.params.token, s.email), subscriber: s, values: { topics: s.topics } });
  });
  router.post('/newsletter/preferenze/:token', async (req, res) => {
    const s = await checkPreferences(platform, req.params.token);
    await formAction(req, res, 'news/newsletter-preferences', { ...prefsLocals(res, req.params.token, s.email), subscriber: s }, async () => {
      await savePreferences(platform, req.params.token, req.body);
      flash(req, 'success', msg('news:newsletter.preferencesSaved'));
      res.redirect(`/newsletter/preferenze/${req.params.token}`);
    });
  });

  // ---- signed-in users ----
  const profileLocals = async (req: Request, res: Response) => {
    const s = await profileSubscription(platform, actorOf(req));
    return { ...nlBase, title: tOf(res)('news:newsletter.profileTitle'), subscriber: s, email: actorOf(req).email, values: { topics: s?.topics ?? [] } };
  };
  router.get('/newsletter/profilo', requireLogin, async (req, res) => {
    res.render('news/newsletter-profile', await profileLocals(req, res));
  });
  router.post('/newsletter/profilo', requireLogin, async (req, res) => {
    await formAction(req, res, 'news/newsletter-profile', await profileLocals(req, res), async () => {
      const s = await saveProfileSubscription(platform, actorOf(req), req.body);
      flash(req, 'success', msg(s?.status === 'confirmed' ? 'news:newsletter.profileSaved' : 'news:newsletter.profileLeft'));
      res.redirect('/newsletter/profilo');
    });
  });

  // ---- staff: issues ----
  const issueFormLocals = async (res: Response, id: number | null) => ({ ...nlBase, title: tOf(res)(id ? 'news:newsletter.editIssue' : 'news:newsletter.newIssue'), posts: await postChoices(platform), action: id ? `/newsletter/numeri/${id}` : '/newsletter/numeri', issueId: id });
  router.get('/newsletter/numeri', requireStaff, async (req, res) => {
    res.render('news/newsletter-issues', { ...nlBase, title: tOf(res)('news:newsletter.issuesTitle'), ...(await listIssues(platform, actorOf(req))) });
  });
  router.get('/newsletter/numeri/nuovo', requireStaff, async (_req, res) => {
    res.render('news/newsletter-issue-form', { ...(await issueFormLocals(res, null)), values: { postIds: [], topics: [] } });
  });
  router.post('/newsletter/numeri', requireStaff, async (req, res) => {
    await formAction(req, res, 'news/newsletter-issue-form', await issueFormLocals(res, null), async () => {
      const issue = await saveIssue(platform, actorOf(req), null, req.body);
      flash(req, 'success', msg('news:newsletter.issueSaved'));
      res.redirect(`/newsletter/numeri/${issue.id}`);
    });
  });
  router.get('/newsletter/numeri/:id', requireStaff, async (req, res) => {
    const view = await getIssue(platform, actorOf(req), idParam(req.params.id));
    res.render('news/newsletter-issue', { ...nlBase, title: view.issue.subject, ...view });
  });
  router.get('/newsletter/numeri/:id/modifica', requireStaff, async (req, res) => {
    const { issue } = await getIssue(platform, actorOf(req), idParam(req.params.id));
    res.render('news/newsletter-issue-form', { ...(await issueFormLocals(res, issue.id)), values: { subject: issue.subject, intro: issue.introMd, postIds: issue.postIds.map(String), topics: issue.topics } });
  });
  router.post('/newsletter/numeri/:id', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    await formAction(req, res, 'news/newsletter-issue-form', await issueFormLocals(res, id), async () => {
      await saveIssue(platform, actorOf(req), id, req.body);
      flash(req, 'success', msg('news:newsletter.issueSaved'));
      res.redirect(`/newsletter/numeri/${id}`);
    });
  });
  router.post('/newsletter/numeri/:id/prova', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    const to = await sendTest(platform, actorOf(req), id);
    flash(req, 'success', msg('news:newsletter.testSent', { email: to }));
    res.redirect(`/newsletter/numeri/${id}`);
  });
  router.post('/newsletter/numeri/:id/invia', requireStaff, async (req, res) => {
    const id = idParam(req.params.id);
    try {
      await startSending(platform, actorOf(req), id);
      flash(req, 'success', msg('news:newsletter.sending'));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flash(req, 'danger', err.message);
    }
    res.redirect(`/newsletter/numeri/${id}`);
  });

  // ---- staff: a subscriber's data on request (export, erasure) ----
  router.get('/newsletter/iscritti', requireStaff, async (req, res) => {
    const subscriber = await findSubscriber(platform, actorOf(req), req.query.email);
    res.render('news/newsletter-subscribers', { ...nlBase, title: tOf(res)('news:newsletter.subscribersTitle'), subscriber, searched: typeof req.query.email === 'string' && req.query.email !== '', values: { email: req.query.email ?? '' } });
  });
  router.get('/newsletter/iscritti/:id/dati.json', requireStaff, async (req, res) => {
    const data = await exportSubscriber(platform, actorOf(req), idParam(req.params.id));
    res.setHeader('Content-Disposition', `attachment; filename="iscritto-newsletter-${idParam(req.params.id)}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    res.json(data);
  });
  router.post('/newsletter/iscritti/:id/elimina', requireStaff, async (req, res) => {
    const email = await deleteSubscriber(platform, actorOf(req), idParam(req.params.id));
    flash(req, 'success', msg('news:newsletter.subscriberDeleted', { email }));
    res.redirect('/newsletter/iscritti');
  });

  return router;
}
