import type { AppModule } from '../../web/module.js';
import { newsRouter } from './routes.js';
import { seedNews } from './seed.js';
import { PUBLISH_QUEUE, latestPosts, publishDue } from './service.js';

export const PUBLISH_SWEEP_QUEUE = 'news.publish-sweep';

export const newsModule: AppModule = {
  name: 'news',
  router: newsRouter,
  nav: [{ labelKey: 'nav.news', href: '/notizie', order: 5 }],
  jobs: (platform) => [
    // Each scheduled post has its own job, due at its moment; the sweep catches a job lost on the way.
    { name: PUBLISH_QUEUE, handler: async (data: { postId?: number }) => void (await publishDue(platform, typeof data.postId === 'number' ? data.postId : undefined)) },
    { name: PUBLISH_SWEEP_QUEUE, cron: '* * * * *', handler: async () => void (await publishDue(platform)) },
  ],
  seed: seedNews,
  homeSections: async (platform) => {
    const posts = await latestPosts(platform, 3);
    return posts.length ? [{ view: 'news/home-section', locals: { newsPosts: posts } }] : [];
  },
};
