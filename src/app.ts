// createApp(platform, deps): the middleware in order, the areas' routers, 404 and errors. No listen(),
// so tests import it and drive it with supertest. The areas come in `deps`, built by the composition
// root (src/boot.ts): this file imports no area.
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import pg from 'pg';
import { pinoHttp } from 'pino-http';
import type { Platform } from './platform/context.js';
import { VIEWS_DIR } from './platform/paths.js';
import { installStaticAssets } from './web/assets.js';
import { installSessions, type Authenticator } from './web/auth.js';
import { errorHandler, notFoundHandler } from './web/errors.js';
import { initI18n } from './platform/i18n.js';
import { startChangeListener } from './platform/notify.js';
import { cleanInput, parseQuery } from './web/input.js';
import { baseLocals, sessionLocals } from './web/locals.js';
import { flashCookies } from './web/flash.js';
import type { Registry } from './web/module.js';
import { requestScope } from './web/resilience.js';
import { csrfProtectionExcept, installSecurityHeaders } from './web/security.js';
import { compactError, isDatabaseShutdown, redactUrl } from './platform/logger.js';
import { prepareHotStatements } from './platform/prepared.js';

export type AppHandle = { app: Express; close: () => Promise<void> };

/** What the app is made of besides the platform: the areas and the login they provide. */
export type AppDeps = { registry: Registry; authenticator: Authenticator<{ id: number }> };

export async function createApp(platform: Platform, deps: AppDeps): Promise<AppHandle> {
  await initI18n();
  const { config } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  // Compiled once in every mode (recompiling each template per request cost a third of a page's
  // CPU); `npm run dev` sets VIEW_RELOAD to edit views without a restart.
  if (!config.viewReload) app.enable('view cache');
  app.set('query parser', parseQuery);

  app.use(
    pinoHttp({
      logger: platform.log,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined)?.slice(0, 64) || randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/static/') },
      // Headers with secrets are redacted by the logger (REDACTED_PATHS); the URL loses the tokens of links.
      // Method, path and status only: every header on every line cost CPU and carried secrets.
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: typeof req.url === 'string' ? redactUrl(req.url) : req.url }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    }),
  );
  installSecurityHeaders(app, config.secureCookies);
  installStaticAssets(app, { reload: config.viewReload });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await platform.sequelize.query('SELECT 1');
      res.json({ status: 'ok', database: 'reachable' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  app.use(baseLocals(config, deps.registry));
  app.use(flashCookies(config.sessionSecret, config.secureCookies));
  app.use(express.urlencoded({ extended: false, limit: '300kb', parameterLimit: 500 }));
  app.use(cleanInput);
  const sessionPool = new pg.Pool({
    connectionString: platform.databaseUrl,
    max: 5,
    idleTimeoutMillis: 10_000,
    // A bounded wait for a session connection too: under overload or an outage, a 503 in seconds.
    connectionTimeoutMillis: config.dbAcquireTimeoutSeconds * 1000,
    application_name: 'cit-hub-sessions',
  });
  // The session store runs a handful of fixed statements on every request: all prepared.
  sessionPool.on('connect', (client) => prepareHotStatements(client, { all: true }));
  sessionPool.on('error', (err) => {
    if (isDatabaseShutdown(err)) platform.log.info({ code: (err as { code?: string }).code }, 'session pool: the database is shutting down');
    else platform.log.warn({ err: compactError(err) }, 'session pool error');
  });
  const stopSessionStore = installSessions(app, platform, sessionPool, deps.authenticator);
  app.use(sessionLocals);
  app.use(csrfProtectionExcept(deps.registry.modules.flatMap((m) => m.oneClickPaths ?? [])));

  // The login and password-reset limits are counted by the accounts area in the store shared by all
  // processes (platform.limits), per account, per account and address, and per address.

  app.use(requestScope(platform));
  for (const m of deps.registry.modules) if (m.router) app.use(m.router(platform, deps.registry));

  app.use(notFoundHandler);
  app.use(errorHandler(platform));
  // Committed changes of the cached tables, from every process (in-process indexes rebuild on them).
  const changes = startChangeListener(platform.databaseUrl, platform.log);
  return {
    app,
    close: async () => {
      await changes.stop();
      stopSessionStore();
      await sessionPool.end();
    },
  };
}
