// Posts are written in Markdown and shown as HTML: marked renders, sanitize-html keeps only a small
// allow-list (no script, no inline style or event handler, no class, links only to http(s), mailto
// or this site, images only from this site), so what staff type can never run in a reader's page
// under the strict CSP. Pure: a string in, a string out.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'code', 'pre', 'blockquote',
  'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
];

/** A link or image address that may stay: this site's paths, or (links only) http(s) and mailto. */
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\');
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], th: ['align'], td: ['align'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Headings start at h2: the post's title is the page's h1.
  transformTags: {
    h1: 'h2',
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const external = /^https?:/i.test(href);
      return { tagName, attribs: { ...attribs, ...(external ? { rel: 'noopener noreferrer' } : {}) } };
    },
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !isLocalPath(frame.attribs.src ?? ''),
};

/** The sanitised HTML of a post's Markdown. */
export function renderMarkdown(source: string): string {
  const raw = marked.parse(source, { async: false });
  return sanitizeHtml(raw, OPTIONS).trim();
}

/** The plain text of a post's Markdown (feeds' fallbacks, the newsletter's text part, search). */
export function markdownText(source: string): string {
  return sanitizeHtml(renderMarkdown(source), { allowedTags: [], allowedAttributes: {} }).replace(/\n{3,}/g, '\n\n').trim();
}

/** What the sanitiser removed that the author should know about: scripts, handlers, foreign images. */
export function removedParts(source: string): { script: boolean; foreignImage: boolean; badLink: boolean } {
  const raw = marked.parse(source, { async: false });
  return {
    script: /<script|\son[a-z]+\s*=/i.test(raw),
    foreignImage: /<img\s[^>]*src="(?!\/(?![/\\]))/i.test(raw),
    badLink: /href="\s*(javascript|data|vbscript):/i.test(raw),
  };
}
