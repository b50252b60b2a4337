// A Message is what a service says to a user without knowing the user's language: an i18n key
// ("ns:path"), optionally followed by "|" and a JSON object of interpolation values. It travels as a
// plain string, so it fits everywhere a string does (Error.message, zod issue messages, the field
// errors of a ValidationError, flash messages kept in the session) and is translated only at the
// edge, by `translateMessage` in src/web/i18n.ts, in the language of the request or of the mail's
// recipient. Values that are themselves Messages (a field's label, a state's name) are translated
// too, so `msg('common:validation.required', { label: msg('desk:field.subject') })` reads
// "Compila il campo «Oggetto»." in Italian and "Fill in «Subject»." in English.
//
// Build Messages only with `msg()`; read them only with `translateMessage()`.

export type Message = string;

export type MessageParams = Record<string, string | number | boolean | null | undefined>;

const SEPARATOR = '|';

/** A Message for `key` (e.g. 'desk:flash.replied'), with interpolation values. */
export function msg(key: string, params?: MessageParams): Message {
  if (!params) return key;
  const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  return Object.keys(defined).length ? `${key}${SEPARATOR}${JSON.stringify(defined)}` : key;
}

/** The key and values of a Message; a string that is not a Message comes back as its own key. */
export function parseMessage(message: Message): { key: string; params: MessageParams } {
  const at = message.indexOf(SEPARATOR);
  if (at < 0 || message[at + 1] !== '{') return { key: message, params: {} };
  try {
    const params = JSON.parse(message.slice(at + 1)) as unknown;
    if (params && typeof params === 'object' && !Array.isArray(params)) return { key: message.slice(0, at), params: params as MessageParams };
  } catch {
    // Not a Message after all (free text with a "|{" in it): shown as it is.
  }
  return { key: message, params: {} };
}
