// Cookies the app reads itself (the language, the flash messages), outside express-session's own.

/** A cookie's value from the request's Cookie header; undefined when absent or not valid percent-encoding (`lang=%`). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  const match = header?.split(/;\s*/).find((c) => c.startsWith(`${name}=`));
  if (!match) return undefined;
  try {
    return decodeURIComponent(match.slice(name.length + 1));
  } catch {
    return undefined;
  }
}
