import type { AppModule } from '../../web/module.js';
import { Router } from 'express';
import { DISPATCH_QUEUE, dispatchIssue } from './newsletter.js';
import { newsletterRouter, newsRouter } from './routes.js';
import { seedNews } from './seed.js';
import { PUBLISH_QUEUE, latestPosts, publishDue } from './service.js';

export const PUBLISH_SWEEP_QUEUE = 'news.publish-sweep';

export const newsModule: AppModule = {
  name: 'news',
  router: (platform) => {
    const router = Router();
    router.use(newsRouter(platform), newsletterRouter(platform));
    return router;
  },
  // A newsletter's one-click unsubscribe (RFC 8058): the mail client posts without a session; the link's token is the authorisation.
  oneClickPaths: [/^\/newsletter\/disiscrizione\/[A-Za-z0-9_-]{20,100}$/],
  nav: [{ labelKey: 'nav.news', href: '/notizie', order: 5 }],
  jobs: (platform) => [
    // Each scheduled post has its own job, due at its moment; the sweep catches a job lost on the way.
    { name: PUBLISH_QUEUE, handler: async (data: { postId?: number }) => void (await publishDue(platform, typeof data.postId === 'number' ? data.postId : undefined)) },
    { name: PUBLISH_SWEEP_QUEUE, cron: '* * * * *', handler: async () => void (await publishDue(platform)) },
    // Queues an issue batch after batch; a dispatch killed half-way is given to another worker and goes on where it stopped.
    { name: DISPATCH_QUEUE, expireInSeconds: 300, retryLimit: 50, retryDelaySeconds: 5, handler: async (data: { issueId?: number }) => void (typeof data.issueId === 'number' && (await dispatchIssue(platform, data.issueId))) },
  ],
  seed: seedNews,
  homeSections: async (platform) => {
    const posts = await latestPosts(platform, 3);
    return posts.length ? [{ view: 'news/home-section', locals: { newsPosts: posts } }] : [];
  },
};
