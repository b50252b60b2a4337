// Sessions stored in PostgreSQL, passport-local login, and the viewer of each request.
import connectPgSimple from 'connect-pg-simple';
import type { Express, NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import pg from 'pg';
import type { Actor } from '../platform/actor.js';
import type { Platform } from '../platform/context.js';
import { msg } from '../platform/messages.js';

const LOCKED_MESSAGE = msg('accounts:login.locked');
const SESSION_MAX_AGE_MS = 8 * 3600_000;
const THROTTLED_MESSAGE = msg('common:errors.tooManyAttempts');
export const INVALID_LOGIN = msg('accounts:login.invalid');

/**
 * How people log in and who they are: provided by the accounts area and handed in by the composition
 * root (src/boot.ts), so the web edge never imports an area. `U` is what the session keeps (by its id).
 */
export type Authenticator<U extends { id: number }> = {
  /** `throttled`: too many failures from this address (the answer is a 429); `locked`: this account is locked here. */
  authenticate(input: unknown, ip: string | null): Promise<{ ok: true; user: U } | { ok: false; reason: 'invalid' | 'locked' | 'throttled' }>;
  /** The user of a session, or null when the account is no longer active. */
  findActiveUser(id: number): Promise<U | null>;
  /**
   * How the session's own statement loads its user too (one query per signed-in request): the
   * columns to select from the users row `u` (never the password hash), and the user made of them
   * (null when the account is no longer active).
   */
  sessionUser?: { columns: string; fromRow(row: Record<string, unknown>): U | null };
  actorOf(user: U, ip: string | null): Actor;
};

/** The session as this request loaded it (its content without the cookie), to tell whether the request changed it. */
const LOADED = Symbol('session as loaded');

/** What express-session stores of a session, the cookie aside (it compares the same). */
function contentOf(session: object): string {
  return JSON.stringify(session, function (this: unknown, key: string, value: unknown) {
    return this === session && key === 'cookie' ? undefined : value;
  });
}

/** Returns a function that stops the store's pruning timer. */
export function installSessions<U extends { id: number }>(app: Express, platform: Platform, pool: pg.Pool, auth: Authenticator<U>): () => void {
  const PgStore = connectPgSimple(session);
  // No UPDATE of the session row on every page view: the expiry moves at most once a minute (below).
  const store = new PgStore({ pool, tableName: 'session', createTableIfMissing: false, pruneSessionInterval: 60 * 15, disableTouch: true });
  // The session and its signed-in user in one statement: the user is kept, by session id, for the
  // deserialisation that follows in the same request (taken out there, so the map stays small).
  const preloaded = new Map<string, U | null>();
  const withUser = auth.sessionUser;
  if (withUser) {
    const sql = `SELECT s.sess, u.id AS "__user", ${withUser.columns}
                   FROM session s
                   LEFT JOIN users u ON u.id = CASE WHEN s.sess->'passport'->>'user' ~ '^[0-9]{1,9}$' THEN (s.sess->'passport'->>'user')::int END
                  WHERE s.sid = $1 AND s.expire >= now()`;
    store.get = (sid: string, done: (err: unknown, session?: session.SessionData | null) => void) => {
      pool.query(sql, [sid]).then(
        ({ rows }) => {
          const row = rows[0] as Record<string, unknown> | undefined;
          if (!row) return done(null, null);
          const { sess, __user, ...user } = row;
          if (__user !== null) {
            if (preloaded.size > 1000) preloaded.clear();
            preloaded.set(sid, withUser.fromRow(user));
          }
          done(null, (typeof sess === 'string' ? JSON.parse(sess) : sess) as session.SessionData);
        },
        (err: unknown) => done(err),
      );
    };
  }
  app.use(
    session({
      name: 'cithub.sid',
      store,
      secret: platform.config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: platform.config.secureCookies, maxAge: SESSION_MAX_AGE_MS },
    }),
  );
  // A session in use stays alive (8 hours from the last activity, to the minute): its expiry and
  // cookie are renewed when the last renewal is over a minute old, not on every request.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const s = req.session as (typeof req.session & { renewedAt?: number }) | undefined;
    (req as Request & { [LOADED]?: string })[LOADED] = s ? contentOf(s) : undefined;
    // A session with nothing in it yet is a new visitor's: left alone, so that it is never stored.
    const stored = !!s && Object.keys(s).some((k) => k !== 'cookie');
    if (s && stored && Date.now() - (s.renewedAt ?? 0) > 60_000) {
      s.renewedAt = Date.now();
      s.touch();
    }
    next();
  });

  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true }, (req, _email, _password, done) => {
      auth.authenticate(req.body, req.ip ?? null)
        .then((result) => {
          if (result.ok) return done(null, result.user);
          if (result.reason === 'throttled') return done(null, false, { message: THROTTLED_MESSAGE, status: 429 } as { message: string });
          done(null, false, { message: result.reason === 'locked' ? LOCKED_MESSAGE : INVALID_LOGIN });
        })
        .catch(done);
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as { id: number }).id));
  passport.deserializeUser((req: Request, id: number, done: (err: unknown, user?: U | false) => void) => {
    const pre = preloaded.get(req.sessionID);
    if (pre !== undefined) preloaded.delete(req.sessionID);
    if (pre !== undefined && (pre === null || pre.id === Number(id))) return done(null, pre ?? false);
    auth.findActiveUser(Number(id))
      .then((user) => done(null, user ?? false))
      .catch(done);
  });
  // express-session may send a redirect before the session is stored, and a fast browser then
  // follows it without the change just made to it (the login, the page to return to): a session
  // changed by this request is saved first, then the redirect sent. One left as it was loaded (most
  // changes: their word for the next page travels in a cookie, web/flash.ts) is not written at all.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      if (!req.session || contentOf(req.session) === (req as Request & { [LOADED]?: string })[LOADED]) return redirect(...args);
      req.session.save(() => redirect(...args));
    }) as Response['redirect'];
    next();
  });
  app.use(passport.initialize());
  app.use(passport.session());
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const user = req.user as U | undefined;
    (req as Request & { viewer: unknown }).viewer = user ? auth.actorOf(user, req.ip ?? null) : null;
    next();
  });
  return () => store.close();
}
