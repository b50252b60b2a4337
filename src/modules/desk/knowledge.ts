// Knowledge base: staff turn a resolved request into an anonymised article; published articles are
// public and searchable with Italian full-text search (stemming, accents folded); the new-request
// form suggests matching articles.
import { Op, QueryTypes } from 'sequelize';
import { isStaff, type Actor, type Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { msg } from '../../platform/messages.js';
import { parseInput } from '../../platform/validation.js';
import { findPerson } from '../accounts/index.js';
import { bodyName, findBody } from '../entities/index.js';
import { DeskMessage, DeskRequest, KbArticle } from './models.js';
import { assertStaff, canSeeArticle } from './policy.js';
import { articleSchema, kbFilterSchema, type ArticleInput } from './schemas.js';

export type ArticleListRow = { id: number; slug: string; title: string; summary: string; category: string; tags: string[]; status: string; publishedAt: Date | null; updatedAt: Date; snippet: string | null };

/** Words of a free text, lower-cased, letters and digits only (safe to build a tsquery from). */
function words(text: string): string[] {
  return (text.normalize('NFC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 3).slice(0, 12);
}

export async function listArticles(platform: Platform, viewer: Viewer, query: unknown, page: { perPage: number; offset: number }) {
  const filter = kbFilterSchema.parse(query ?? {});
  const clauses: string[] = [];
  const replacements: Record<string, unknown> = {};
  if (isStaff(viewer) && filter.status) {
    clauses.push('a.status = :status');
    replacements.status = filter.status;
  } else if (!isStaff(viewer)) clauses.push("a.status = 'published'");
  if (filter.category) {
    clauses.push('a.category = :category');
    replacements.category = filter.category;
  }
  if (filter.tag) {
    clauses.push(':tag = ANY(a.tags)');
    replacements.tag = filter.tag.toLowerCase();
  }
  const hasQuery = !!filter.q && words(filter.q).length > 0;
  if (hasQuery) {
    clauses.push("a.search @@ websearch_to_tsquery('italian_unaccent', :q)");
    replacements.q = filter.q;
  }
  const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
  const order = hasQuery ? "ts_rank_cd(a.search, websearch_to_tsquery('italian_unaccent', :q)) DESC, a.id DESC" : 'a.published_at DESC NULLS LAST, a.updated_at DESC, a.id DESC';
  const snippet = hasQuery
    ? "ts_headline('italian_unaccent', CASE WHEN a.summary <> '' THEN a.summary ELSE left(a.body, 2000) END, websearch_to_tsquery('italian_unaccent', :q), 'StartSel=«, StopSel=», MaxWords=30, MinWords=12, ShortWord=2')"
    : 'NULL';
  const [rows, [count], tags] = await Promise.all([
    platform.sequelize.query<ArticleListRow>(
      `SELECT a.id, a.slug, a.title, a.summary, a.category, a.tags, a.status, a.published_at AS "publishedAt", a.updated_at AS "updatedAt", ${snippet} AS snippet
         FROM kb_articles a ${where} ORDER BY ${order} LIMIT :limit OFFSET :offset`,
      { replacements: { ...replacements, limit: page.perPage, offset: page.offset }, type: QueryTypes.SELECT },
    ),
    platform.sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM kb_articles a ${where}`, { replacements, type: QueryTypes.SELECT }),
    platform.sequelize.query<{ tag: string; n: string }>(
      `SELECT tag, count(*) AS n FROM kb_articles, unnest(tags) AS tag WHERE status = 'published' GROUP BY tag ORDER BY count(*) DESC, tag LIMIT 30`,
      { type: QueryTypes.SELECT },
    ),
  ]);
  return { filter, rows, total: Number(count.n), tags: tags.map((t) => ({ tag: t.tag, count: Number(t.n) })) };
}

const STOPWORDS = new Set(
  'per del della delle dei degli dal dalla dai con che una uno nel nella nei sul sulla sui alla alle agli all come non sono era cosa quale quali questo questa anche piu essere fare dobbiamo nostro nostra nostri'.split(' '),
);

/**
 * Published articles matching any word of a subject being typed, best first. Whole words match
 * through Italian stemming on the full text; a word still being typed matches as a prefix of the
 * (accent-folded, unstemmed) words of titles, summaries and tags, since a stem ("inform") is often
 * shorter than what has been typed ("informat").
 */
export async function suggestArticles(platform: Platform, text: string, limit = 5): Promise<Array<{ slug: string; title: string; summary: string; url: string }>> {
  const terms = words(text).map(fold).filter((w) => !STOPWORDS.has(w));
  if (!terms.length) return [];
  const rows = await platform.sequelize.query<{ slug: string; title: string; summary: string }>(
    `WITH q AS (SELECT to_tsquery('italian_unaccent', :stemmed) AS stemmed, to_tsquery('simple', :prefixes) AS prefixes),
          a AS (SELECT slug, title, summary, published_at, search,
                       to_tsvector('simple', unaccent(title || ' ' || summary || ' ' || array_to_string(tags, ' '))) AS words
                  FROM kb_articles WHERE status = 'published')
     SELECT a.slug, a.title, a.summary FROM a, q
      WHERE a.search @@ q.stemmed OR a.words @@ q.prefixes
      ORDER BY ts_rank_cd(a.search, q.stemmed) + ts_rank_cd(a.words, q.prefixes) DESC, a.published_at DESC LIMIT :limit`,
    { replacements: { stemmed: terms.join(' | '), prefixes: terms.map((w) => `${w}:*`).join(' | '), limit }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ ...r, url: `/conoscenza/${r.slug}` }));
}

export async function getArticle(viewer: Viewer, slug: string) {
  const article = /^[a-z0-9-]{1,100}$/.test(slug) ? await KbArticle.findOne({ where: { slug } }) : null;
  if (!article || !canSeeArticle(viewer, article)) throw new NotFoundError(msg('desk:error.articleNotFound'));
  let shownBody: string | null = null;
  if (article.showBody && article.sourceRequestId) {
    const request = await DeskRequest.findByPk(article.sourceRequestId, { attributes: ['entityId'] });
    shownBody = request ? await bodyName(request.entityId) : null;
  }
  const related = await KbArticle.findAll({
    attributes: ['slug', 'title'],
    where: { status: 'published', category: article.category, id: { [Op.ne]: article.id } },
    order: [['publishedAt', 'DESC']],
    limit: 5,
  });
  return { article, bodyName: shownBody, related };
}

/** Names that would identify the requesting body or person: they must not appear unless chosen. */
async function identifyingNames(requestId: number): Promise<string[]> {
  const request = await DeskRequest.findByPk(requestId);
  if (!request) return [];
  const [entity, requester] = await Promise.all([findBody(request.entityId), findPerson(request.requesterId)]);
  const names = new Set<string>();
  if (entity) {
    names.add(entity.name);
    const short = entity.name.replace(/^(Comune|Provincia|Unione|Città metropolitana|Comunità montana|Regione)( dei| delle| della| del| di| d’| d')?\s*/i, '').trim();
    if (short.length >= 3 && short !== entity.name) names.add(short);
  }
  if (requester) {
    if (requester.name) names.add(requester.name);
    names.add(requester.email);
  }
  return [...names];
}

const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export function namesFoundIn(text: string, names: string[]): string[] {
  const haystack = fold(text);
  return names.filter((n) => new RegExp(`(^|[^\\p{L}\\p{N}])${fold(n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'u').test(haystack));
}

function replaceNames(text: string, names: string[], placeholder: string): string {
  // Longest first, so "Comune di Russi" becomes "[ente]" rather than "Comune di [ente]".
  let out = text;
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), placeholder);
  }
  return out;
}

/**
 * The words a draft is written with, in the language of the staff member writing it: the two
 * headings and the placeholders of the body's and the person's names (e.g. «[ente]», «[nome]»).
 */
export type DraftWords = { question: string; answer: string; body: string; person: string };

/** A draft article from a resolved request: the question and the centre's public answers, anonymised. */
export async function draftFromRequest(actor: Actor, requestId: number, words: DraftWords): Promise<Record<string, string>> {
  assertStaff(actor, 'kb.draft');
  const request = await DeskRequest.findByPk(requestId);
  if (!request) throw new NotFoundError(msg('desk:error.requestNotFound'));
  if (request.state !== 'resolved' && request.state !== 'closed') throw new ConflictError(msg('desk:error.draftNotDone'));
  const replies = await DeskMessage.findAll({ where: { requestId, internal: false, side: 'staff' }, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
  const names = await identifyingNames(requestId);
  const requester = await findPerson(request.requesterId);
  const personNames = requester ? [requester.name, requester.email].filter(Boolean) : [];
  const anonymise = (t: string) => {
    let out = t;
    for (const p of personNames.sort((a, b) => b.length - a.length)) out = out.replace(new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), words.person);
    return replaceNames(out, names.filter((n) => !personNames.includes(n)), words.body);
  };
  const body = [words.question, '', anonymise(request.description), '', words.answer, '', ...replies.map((r) => anonymise(r.body)).join('\n\n').split('\n')].join('\n');
  return { title: anonymise(request.subject), summary: '', body, category: request.category, tags: '', status: 'draft', showBody: '', sourceRequestId: String(request.id) };
}

function slugify(title: string): string {
  const base = fold(title).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
  return base || 'articolo';
}

async function uniqueSlug(title: string, exceptId: number | null): Promise<string> {
  const base = slugify(title);
  for (let i = 1; ; i++) {
    const slug = i === 1 ? base : `${base}-${i}`;
    const taken = await KbArticle.count({ where: exceptId ? { slug, id: { [Op.ne]: exceptId } } : { slug } });
    if (!taken) return slug;
  }
}

async function checkArticle(data: ArticleInput): Promise<void> {
  if (!data.sourceRequestId) return;
  const request = await DeskRequest.findByPk(data.sourceRequestId, { attributes: ['id'] });
  if (!request) throw new ValidationError({ sourceRequestId: msg('desk:error.sourceNotFound') });
  if (data.showBody) return;
  const found = namesFoundIn(`${data.title}\n${data.summary}\n${data.body}\n${data.tags.join(' ')}`, await identifyingNames(data.sourceRequestId));
  if (found.length) {
    throw new ValidationError(
      { body: msg('desk:error.notAnonymous', { names: found.map((f) => `«${f}»`).join(', ') }) },
      msg('desk:error.notAnonymousSummary'),
    );
  }
}

export async function createArticle(platform: Platform, actor: Actor, input: unknown): Promise<KbArticle> {
  assertStaff(actor, 'kb.create');
  const data = parseInput(articleSchema, input);
  await checkArticle(data);
  const slug = await uniqueSlug(data.title, null);
  return platform.sequelize.transaction(async (transaction) => {
    const article = await KbArticle.create(
      { ...data, slug, authorId: actor.userId, publishedAt: data.status === 'published' ? new Date() : null },
      { transaction },
    );
    await platform.audit.record(actor, { action: 'kb.article-created', subjectType: 'kb_article', subjectId: article.id, details: { status: data.status, sourceRequestId: data.sourceRequestId } }, transaction);
    return article;
  });
}

export async function updateArticle(platform: Platform, actor: Actor, slug: string, input: unknown): Promise<KbArticle> {
  assertStaff(actor, 'kb.update');
  const article = await KbArticle.findOne({ where: { slug } });
  if (!article) throw new NotFoundError(msg('desk:error.articleNotFound'));
  const data = parseInput(articleSchema, { ...(input as object), sourceRequestId: article.sourceRequestId ? String(article.sourceRequestId) : '' });
  await checkArticle(data);
  return platform.sequelize.transaction(async (transaction) => {
    const becamePublished = data.status === 'published' && article.status !== 'published';
    await article.update({ ...data, publishedAt: becamePublished ? new Date() : article.publishedAt }, { transaction });
    await platform.audit.record(actor, { action: 'kb.article-updated', subjectType: 'kb_article', subjectId: article.id, details: { status: data.status } }, transaction);
    return article;
  });
}
