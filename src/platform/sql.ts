// Small pieces of SQL text shared by the areas.

/** A user's text inside a LIKE pattern matches itself: `%`, `_` and `\` are escaped (PostgreSQL's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
