// Parts of every page that depend only on a few keys (the language, whether someone is signed in,
// the menu the viewer's role shows and its current entry) are rendered once per key and kept as
// their fixed pieces: the header and footer are a third of a catalogue page's markup, and rendering
// them anew cost a few per cent of its CPU. What differs per request (the viewer's name,
// the CSRF token, the path to come back to after switching language) fills holes left between the
// pieces, escaped exactly as `<%= %>` escapes.
//
// The template sees only the locals the key is made of, so nothing of one request can be kept and
// shown to the next: a per-request value reaches the markup through a hole or not at all.
import path from 'node:path';
import ejs from 'ejs';
import { VIEWS_DIR } from '../platform/paths.js';

/** A hole is written `<%= hole('name') %>`; the mark survives EJS's escaping (no & < > " '). */
const MARK = '\u0001';
const HOLES = new RegExp(`${MARK}(\\w+)${MARK}`);

/** Keys are few (languages × menus × current entry); the bound only guards against a mistake in them. */
const MAX_KEPT = 500;

type Pieces = { texts: string[]; holes: string[] };

export class Fragment<Hole extends string = never> {
  private readonly kept = new Map<string, Pieces>();
  private template: ejs.TemplateFunction | undefined;

  /**
   * `view` is relative to views/ (e.g. 'partials/header'); `reload` (VIEW_RELOAD) reads it anew each
   * time; `holes` are the names the template may ask for, so that a misspelt one fails the first
   * render instead of leaving a blank in every page.
   */
  constructor(
    private readonly view: string,
    private readonly reload: boolean,
    private readonly holes: readonly Hole[] = [],
  ) {}

  render(key: string, locals: Record<string, unknown>, holes: Record<Hole, string>): string {
    const pieces = this.reload ? this.split(locals) : (this.kept.get(key) ?? this.keep(key, locals));
    let out = pieces.texts[0];
    for (let i = 0; i < pieces.holes.length; i++) out += ejs.escapeXML(holes[pieces.holes[i] as Hole]) + pieces.texts[i + 1];
    return out;
  }

  private keep(key: string, locals: Record<string, unknown>): Pieces {
    const pieces = this.split(locals);
    if (this.kept.size < MAX_KEPT) this.kept.set(key, pieces);
    return pieces;
  }

  private split(locals: Record<string, unknown>): Pieces {
    const hole = (name: string) => {
      if (!(this.holes as readonly string[]).includes(name)) throw new Error(`${this.view}: hole('${name}') is not one of ${this.holes.join(', ') || 'none'}`);
      return MARK + name + MARK;
    };
    const parts = this.compile()({ ...locals, hole }).split(HOLES);
    // split() with a capture group alternates: text, hole name, text, …, text.
    return { texts: parts.filter((_, i) => i % 2 === 0), holes: parts.filter((_, i) => i % 2 === 1) };
  }

  private compile(): ejs.TemplateFunction {
    if (this.template && !this.reload) return this.template;
    const filename = path.join(VIEWS_DIR, `${this.view}.ejs`);
    // Through EJS's loader, so the static URLs are versioned as in every other template (web/assets.ts).
    this.template = ejs.compile(String(ejs.fileLoader(filename)), { filename });
    return this.template;
  }
}
