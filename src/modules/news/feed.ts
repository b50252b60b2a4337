// The news as Atom 1.0 and RSS 2.0, built with the `feed` library from the latest published posts.
import { Feed } from 'feed';
import type { FeedEntry } from './service.js';

export type FeedSite = { baseUrl: string; title: string; description: string; language: string; copyright: string };

export function buildFeed(site: FeedSite, entries: FeedEntry[]): Feed {
  const feed = new Feed({
    id: `${site.baseUrl}/notizie`,
    title: site.title,
    description: site.description,
    link: `${site.baseUrl}/notizie`,
    language: site.language,
    copyright: site.copyright,
    updated: entries.reduce<Date | undefined>((max, e) => (!max || e.updatedAt > max ? e.updatedAt : max), undefined) ?? new Date(0),
    generator: false,
    feedLinks: { atom: `${site.baseUrl}/notizie/feed.atom`, rss: `${site.baseUrl}/notizie/feed.rss` },
  });
  for (const e of entries) {
    const link = `${site.baseUrl}/notizie/${e.id}`;
    feed.addItem({
      id: link,
      guid: link,
      title: e.title,
      link,
      date: e.updatedAt,
      published: e.publishedAt,
      description: e.summary,
      // Relative links and images of the post read from the site, wherever the feed is read.
      content: e.bodyHtml.replace(/(href|src)="\/(?!\/)/g, `$1="${site.baseUrl}/`),
      category: e.tags.map((t) => ({ name: t, term: t })),
      ...(e.authorName ? { author: [{ name: e.authorName }] } : {}),
    });
  }
  return feed;
}
