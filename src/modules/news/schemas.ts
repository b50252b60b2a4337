// zod schemas of the news forms. Labels and messages are keys of locales/<lang>/news.json.
import { z } from 'zod';
import { msg, type Message } from '../../platform/messages.js';
import { form } from '../../platform/validation.js';
import { removedParts } from './markdown.js';

const label = (name: string): Message => msg(`news:field.${name}`);

export const LINK_KINDS = ['training', 'call', 'asset', 'tender'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** The pages of the other areas a post may point to, by kind: a path on this site of that shape. */
export const LINK_PATHS: Record<LinkKind, RegExp> = {
  training: /^\/formazione\/[A-Za-z0-9._~\-/]{1,200}$/,
  call: /^\/finanziamenti\/avvisi\/[1-9][0-9]{0,9}$/,
  asset: /^\/catalogo\/[a-z0-9][a-z0-9-]{0,150}$/,
  tender: /^\/gare\/[1-9][0-9]{0,9}$/,
};

export const MAX_TAGS = 8;

const tagList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const tags = [...new Set((v ?? '').split(',').map((t) => t.trim().toLowerCase().replace(/\s+/g, ' ')).filter(Boolean))];
    if (tags.length > MAX_TAGS) ctx.addIssue({ code: 'custom', message: msg('news:error.tooManyTags', { max: MAX_TAGS }) });
    if (tags.some((t) => t.length > 40 || !/^[\p{L}\p{N}][\p{L}\p{N} '-]*$/u.test(t))) ctx.addIssue({ code: 'custom', message: 'news:error.badTag' });
    return tags;
  });

const body = form.text(50_000, label('body')).superRefine((v, ctx) => {
  const bad = removedParts(v);
  if (bad.script) ctx.addIssue({ code: 'custom', message: 'news:error.script' });
  else if (bad.badLink) ctx.addIssue({ code: 'custom', message: 'news:error.badLink' });
  else if (bad.foreignImage) ctx.addIssue({ code: 'custom', message: 'news:error.foreignImage' });
});

const time = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'news:error.time' });
      return z.NEVER;
    }
    return v;
  });

export const postSchema = z
  .object({
    title: form.text(200, label('title')),
    summary: form.text(500, label('summary')),
    body,
    tags: tagList,
    imageAlt: form.optionalText(300, label('imageAlt')),
    removeImage: form.checkbox(),
    linkKind: z
      .union([z.enum(LINK_KINDS), z.literal('')], { error: 'news:error.linkKind' })
      .optional()
      .transform((v) => (v ? v : null)),
    linkPath: form.optionalText(250, label('linkPath')),
    publishOn: form.optionalDate(label('publishOn')),
    publishTime: time,
    intent: z.enum(['draft', 'publish'], { error: 'news:error.intent' }),
  })
  .superRefine((v, ctx) => {
    if (v.linkKind && !v.linkPath) ctx.addIssue({ code: 'custom', path: ['linkPath'], message: 'news:error.linkPathMissing' });
    if (!v.linkKind && v.linkPath) ctx.addIssue({ code: 'custom', path: ['linkKind'], message: 'news:error.linkKindMissing' });
    if (v.linkKind && v.linkPath && !LINK_PATHS[v.linkKind].test(v.linkPath)) ctx.addIssue({ code: 'custom', path: ['linkPath'], message: `news:error.linkPath.${v.linkKind}` });
    if (v.publishTime && !v.publishOn) ctx.addIssue({ code: 'custom', path: ['publishOn'], message: 'news:error.timeWithoutDate' });
  });

export type PostInput = z.output<typeof postSchema>;

// ---- newsletter ----

/** What a subscriber may choose to receive (news:newsletter.topic.<code>). */
export const NEWSLETTER_TOPICS = ['eventi', 'formazione', 'finanziamenti', 'riuso', 'gare'] as const;
export type NewsletterTopic = (typeof NEWSLETTER_TOPICS)[number];

/** The version of the privacy notice the consent refers to (its text: news:newsletter.consent.<version>). */
export const CONSENT_VERSION = '2026-12';

const topicList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.enum(NEWSLETTER_TOPICS, { error: 'news:error.topic' })).max(NEWSLETTER_TOPICS.length))
  .transform((v) => [...new Set(v)]);

export const subscribeSchema = z.object({
  email: form.email(msg('news:field.email')),
  topics: topicList.refine((v) => v.length > 0, 'news:error.topicsMissing'),
  consent: form.checkbox().refine((v) => v, 'news:error.consentMissing'),
});

export const preferencesSchema = z.object({
  topics: topicList.refine((v) => v.length > 0, 'news:error.topicsMissingOrUnsubscribe'),
});

const postIds = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().regex(/^\d{1,9}$/, 'news:error.postInvalid').transform(Number)).max(20, msg('news:error.tooManyPosts', { max: 20 })));

export const issueSchema = z
  .object({
    subject: form.text(200, label('issueSubject')),
    intro: form.optionalText(20_000, label('intro')).superRefine((v, ctx) => {
      if (!v) return;
      const bad = removedParts(v);
      if (bad.script) ctx.addIssue({ code: 'custom', message: 'news:error.script' });
      else if (bad.badLink) ctx.addIssue({ code: 'custom', message: 'news:error.badLink' });
      else if (bad.foreignImage) ctx.addIssue({ code: 'custom', message: 'news:error.foreignImage' });
    }),
    postIds,
    topics: topicList,
  })
  .refine((v) => v.intro || v.postIds.length, { path: ['intro'], message: 'news:error.issueEmpty' });
export type IssueInput = z.output<typeof issueSchema>;
