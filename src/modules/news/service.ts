// The rules of the news area: posts written by staff, published now or at a set moment by a job,
// read by everyone once published. No req/res; every write parses its input with the area's schema
// first and throws the typed errors.
import { DateTime } from 'luxon';
import { QueryTypes, type Transaction } from 'sequelize';
import type { Actor, Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { FileRejectedError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { FileSource } from '../../platform/files.js';
import { parseInput } from '../../platform/validation.js';
import type { Page } from '../../web/pagination.js';
import { markdownText, renderMarkdown } from './markdown.js';
import { assertCanManageNews, canManageNews, canSeePost, type PostState } from './policy.js';
import { postSchema, type LinkKind } from './schemas.js';

export const PUBLISH_QUEUE = 'news.publish';
export const TIME_ZONE = 'Europe/Rome';
/** A publication moment this far in the past still counts as "now" (the form took a while to fill in). */
const PAST_GRACE_MS = 5 * 60_000;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export type PostView = {
  id: number;
  title: string;
  summary: string;
  bodyMd: string;
  bodyHtml: string;
  imageFileId: string | null;
  imageAlt: string | null;
  tags: string[];
  linkKind: LinkKind | null;
  linkPath: string | null;
  state: PostState;
  publishAt: Date | null;
  publishedAt: Date | null;
  authorName: string | null;
  updatedAt: Date;
};

type PostRow = {
  id: number;
  title: string;
  summary: string;
  body_md: string;
  body_html: string;
  image_file_id: string | null;
  image_alt: string | null;
  tags: string[];
  link_kind: LinkKind | null;
  link_path: string | null;
  state: PostState;
  publish_at: Date | null;
  published_at: Date | null;
  author_name: string | null;
  updated_at: Date;
};

const COLUMNS = `p.id, p.title, p.summary, p.body_md, p.body_html, p.image_file_id, p.image_alt, p.tags, p.link_kind, p.link_path,
  p.state, p.publish_at, p.published_at, p.updated_at, u.name AS author_name`;

const viewOf = (r: PostRow): PostView => ({
  id: r.id,
  title: r.title,
  summary: r.summary,
  bodyMd: r.body_md,
  bodyHtml: r.body_html,
  imageFileId: r.image_file_id,
  imageAlt: r.image_alt,
  tags: r.tags,
  linkKind: r.link_kind,
  linkPath: r.link_path,
  state: r.state,
  publishAt: r.publish_at,
  publishedAt: r.published_at,
  authorName: r.author_name,
  updatedAt: r.updated_at,
});

async function findPost(platform: Platform, id: number, transaction?: Transaction): Promise<PostView | null> {
  const rows = await platform.sequelize.query<PostRow>(`SELECT ${COLUMNS} FROM news_posts p LEFT JOIN users u ON u.id = p.author_id WHERE p.id = :id`, {
    replacements: { id },
    type: QueryTypes.SELECT,
    transaction,
  });
  return rows[0] ? viewOf(rows[0]) : null;
}

/** A post as this viewer may see it: a draft or a scheduled post is a 404 to everyone but staff. */
export async function getPost(platform: Platform, viewer: Viewer, id: number): Promise<PostView> {
  const post = await findPost(platform, id);
  if (!post) throw new NotFoundError();
  if (!canSeePost(viewer, post)) throw new NotFoundError(undefined, 'news.post.read');
  return post;
}

export async function postForEdit(platform: Platform, actor: Actor, id: number): Promise<PostView> {
  assertCanManageNews(actor, 'news.post.edit');
  const post = await findPost(platform, id);
  if (!post) throw new NotFoundError();
  return post;
}

/** The moment a publishing form asks for, in Rome; null for "now". */
function publicationMoment(publishOn: string | null, publishTime: string | null): Date | null {
  if (!publishOn) return null;
  return DateTime.fromISO(`${publishOn}T${publishTime ?? '00:00'}`, { zone: TIME_ZONE }).toJSDate();
}

type Saved = { id: number; state: PostState };

/**
 * Creates (id null) or updates a post. `image` is an uploaded file already on disk (or null); it
 * must be an image and needs its alt text. Publishing at a future moment schedules the job.
 */
export async function savePost(platform: Platform, actor: Actor, id: number | null, input: unknown, image: FileSource | null): Promise<Saved> {
  assertCanManageNews(actor, id ? 'news.post.update' : 'news.post.create');
  const data = parseInput(postSchema, input);
  const existing = id ? await findPost(platform, id) : null;
  if (id && !existing) throw new NotFoundError();
  const keepsImage = !!existing?.imageFileId && !data.removeImage;
  if ((image || keepsImage) && !data.imageAlt) throw new ValidationError({ imageAlt: 'news:error.altRequired' });

  let state: PostState = 'draft';
  let publishAt: Date | null = null;
  const now = Date.now();
  if (data.intent === 'publish') {
    const at = publicationMoment(data.publishOn, data.publishTime);
    // Already published: the date it went out stays, unless staff set a new one.
    if (at && at.getTime() < now - PAST_GRACE_MS && !(existing?.state === 'published')) {
      throw new ValidationError({ publishOn: 'news:error.pastDate' });
    }
    if (at && at.getTime() > now) {
      state = 'scheduled';
      publishAt = at;
    } else {
      state = 'published';
      publishAt = existing?.state === 'published' ? (existing.publishAt ?? existing.publishedAt) : new Date(now);
    }
  }
  const bodyHtml = renderMarkdown(data.body);

  return platform.sequelize.transaction(async (transaction) => {
    let imageFileId = keepsImage ? existing!.imageFileId : null;
    if (image) {
      const stored = await platform.files.save({ ...image, uploadedBy: actor.userId }, transaction);
      if (!IMAGE_TYPES.includes(stored.mime)) throw new FileRejectedError('news:error.imageType', 'image');
      imageFileId = stored.id;
    }
    const values = {
      title: data.title,
      summary: data.summary,
      bodyMd: data.body,
      bodyHtml,
      imageFileId,
      imageAlt: imageFileId ? data.imageAlt : null,
      tags: data.tags,
      linkKind: data.linkKind,
      linkPath: data.linkKind ? data.linkPath : null,
      state,
      publishAt,
      publishedAt: state === 'published' ? (existing?.publishedAt ?? publishAt) : null,
      author: actor.userId,
    };
    let postId: number;
    if (existing) {
      await platform.sequelize.query(
        `UPDATE news_posts SET title = :title, summary = :summary, body_md = :bodyMd, body_html = :bodyHtml, image_file_id = :imageFileId,
                image_alt = :imageAlt, tags = array_remove(ARRAY[:tags]::text[], NULL), link_kind = :linkKind, link_path = :linkPath, state = :state,
                publish_at = :publishAt, published_at = :publishedAt, updated_at = now()
          WHERE id = :id`,
        { replacements: { ...values, tags: values.tags.length ? values.tags : [null], id: existing.id }, transaction },
      );
      postId = existing.id;
    } else {
      const [row] = await platform.sequelize.query<{ id: number }>(
        `INSERT INTO news_posts (title, summary, body_md, body_html, image_file_id, image_alt, tags, link_kind, link_path, state, publish_at, published_at, author_id)
         VALUES (:title, :summary, :bodyMd, :bodyHtml, :imageFileId, :imageAlt, array_remove(ARRAY[:tags]::text[], NULL), :linkKind, :linkPath, :state, :publishAt, :publishedAt, :author)
         RETURNING id`,
        { replacements: { ...values, tags: values.tags.length ? values.tags : [null] }, type: QueryTypes.SELECT, transaction },
      );
      postId = row.id;
    }
    // The job publishes the post at its moment; the sweep (cron) catches any job lost on the way.
    if (state === 'scheduled') await platform.jobs.send(PUBLISH_QUEUE, { postId }, { startAfter: publishAt!, transaction });
    await platform.audit.record(actor, { action: existing ? 'news.post.update' : 'news.post.create', subjectType: 'news_post', subjectId: postId, details: { title: data.title, state, publishAt } }, transaction);
    return { id: postId, state };
  });
}

/** Withdraws a post from the public pages (back to a draft). */
export async function unpublishPost(platform: Platform, actor: Actor, id: number): Promise<void> {
  assertCanManageNews(actor, 'news.post.unpublish');
  await platform.sequelize.transaction(async (transaction) => {
    const [rows] = await platform.sequelize.query(`UPDATE news_posts SET state = 'draft', publish_at = NULL, published_at = NULL, updated_at = now() WHERE id = :id RETURNING id`, { replacements: { id }, transaction });
    if (!(rows as unknown[]).length) throw new NotFoundError();
    await platform.audit.record(actor, { action: 'news.post.unpublish', subjectType: 'news_post', subjectId: id }, transaction);
  });
}

/**
 * Publishes the scheduled posts whose moment has come (one post, or all of them when `postId` is
 * omitted); returns the ids it published. Running it twice publishes nothing twice.
 */
export async function publishDue(platform: Platform, postId?: number): Promise<number[]> {
  const rows = await platform.sequelize.query<{ id: number }>(
    `UPDATE news_posts SET state = 'published', published_at = publish_at, updated_at = now()
      WHERE state = 'scheduled' AND publish_at <= now() ${postId ? 'AND id = :postId' : ''}
      RETURNING id`,
    { replacements: { postId: postId ?? null }, type: QueryTypes.SELECT },
  );
  if (rows.length) platform.log.info({ posts: rows.map((r) => r.id) }, 'news posts published');
  return rows.map((r) => r.id);
}

// ---- Lists ----

export type PostCard = { id: number; title: string; summary: string; tags: string[]; publishedAt: Date; imageFileId: string | null; imageAlt: string | null };

const cardOf = (r: { id: number; title: string; summary: string; tags: string[]; published_at: Date; image_file_id: string | null; image_alt: string | null }): PostCard => ({
  id: r.id,
  title: r.title,
  summary: r.summary,
  tags: r.tags,
  publishedAt: r.published_at,
  imageFileId: r.image_file_id,
  imageAlt: r.image_alt,
});

/** A tag from the query string, as the lists store them (lower case), or '' for none. */
export function tagFilter(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase().slice(0, 40) : '';
}

export async function listPublished(platform: Platform, query: Record<string, unknown>, page: Page): Promise<{ rows: PostCard[]; total: number; tag: string; tags: Array<{ tag: string; n: number }> }> {
  const tag = tagFilter(query.tag);
  const where = `p.state = 'published'${tag ? ' AND p.tags @> ARRAY[:tag]::text[]' : ''}`;
  const replacements = { tag, limit: page.perPage, offset: page.offset };
  const [{ n }] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM news_posts p WHERE ${where}`, { replacements, type: QueryTypes.SELECT });
  const rows = await platform.sequelize.query<Parameters<typeof cardOf>[0]>(
    `SELECT p.id, p.title, p.summary, p.tags, p.published_at, p.image_file_id, p.image_alt FROM news_posts p WHERE ${where}
      ORDER BY p.published_at DESC, p.id DESC LIMIT :limit OFFSET :offset`,
    { replacements, type: QueryTypes.SELECT },
  );
  const tags = await platform.sequelize.query<{ tag: string; n: number }>(
    `SELECT t AS tag, count(*)::int AS n FROM news_posts p, unnest(p.tags) t WHERE p.state = 'published' GROUP BY t ORDER BY count(*) DESC, t LIMIT 30`,
    { type: QueryTypes.SELECT },
  );
  return { rows: rows.map(cardOf), total: n, tag, tags };
}

/** The latest published posts (the home page, the feeds). */
export async function latestPosts(platform: Platform, limit: number): Promise<PostCard[]> {
  const rows = await platform.sequelize.query<Parameters<typeof cardOf>[0]>(
    `SELECT p.id, p.title, p.summary, p.tags, p.published_at, p.image_file_id, p.image_alt FROM news_posts p WHERE p.state = 'published'
      ORDER BY p.published_at DESC, p.id DESC LIMIT :limit`,
    { replacements: { limit }, type: QueryTypes.SELECT },
  );
  return rows.map(cardOf);
}

export type StaffPostRow = { id: number; title: string; state: PostState; publishAt: Date | null; publishedAt: Date | null; updatedAt: Date; authorName: string | null };

export async function listForStaff(platform: Platform, actor: Actor, query: Record<string, unknown>, page: Page): Promise<{ rows: StaffPostRow[]; total: number; state: PostState | '' }> {
  assertCanManageNews(actor, 'news.post.list');
  const state = (['draft', 'scheduled', 'published'] as const).find((s) => s === query.state) ?? '';
  const where = state ? 'WHERE p.state = :state' : '';
  const replacements = { state, limit: page.perPage, offset: page.offset };
  const [{ n }] = await platform.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM news_posts p ${where}`, { replacements, type: QueryTypes.SELECT });
  const rows = await platform.sequelize.query<PostRow>(
    `SELECT ${COLUMNS} FROM news_posts p LEFT JOIN users u ON u.id = p.author_id ${where} ORDER BY p.updated_at DESC, p.id DESC LIMIT :limit OFFSET :offset`,
    { replacements, type: QueryTypes.SELECT },
  );
  return {
    rows: rows.map((r) => ({ id: r.id, title: r.title, state: r.state, publishAt: r.publish_at, publishedAt: r.published_at, updatedAt: r.updated_at, authorName: r.author_name })),
    total: n,
    state,
  };
}

/** The image of a post this viewer may see (a published post's, or any post's for staff), or a 404. */
export async function postImage(platform: Platform, viewer: Viewer, fileId: string): Promise<string> {
  if (!/^[0-9a-f-]{36}$/i.test(fileId)) throw new NotFoundError();
  const rows = await platform.sequelize.query<{ state: PostState }>(`SELECT state FROM news_posts WHERE image_file_id = :fileId`, {
    replacements: { fileId },
    type: QueryTypes.SELECT,
  });
  if (!rows.some((r) => r.state === 'published' || canManageNews(viewer))) throw new NotFoundError();
  return fileId;
}

// ---- Feeds ----

export type FeedEntry = PostCard & { bodyHtml: string; text: string; updatedAt: Date; authorName: string | null };

export async function feedEntries(platform: Platform, limit = 20): Promise<FeedEntry[]> {
  const rows = await platform.sequelize.query<PostRow>(
    `SELECT ${COLUMNS} FROM news_posts p LEFT JOIN users u ON u.id = p.author_id WHERE p.state = 'published' ORDER BY p.published_at DESC, p.id DESC LIMIT :limit`,
    { replacements: { limit }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({
    ...cardOf({ ...r, published_at: r.published_at ?? r.updated_at }),
    bodyHtml: r.body_html,
    text: markdownText(r.body_md),
    updatedAt: r.updated_at,
    authorName: r.author_name,
  }));
}
