// The only reader of process.env: the environment is parsed and validated once, at start.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'usa true o false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const urlString = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `deve essere un URL ${protocols.join(' o ')}`);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BASE_URL: urlString(['http:', 'https:']).optional(),
  DATABASE_URL: urlString(['postgres:', 'postgresql:']).optional(),
  SESSION_SECRET: z.string().min(32, 'deve avere almeno 32 caratteri').optional(),
  SMTP_URL: urlString(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('CIT Hub <noreply@cithub.example>'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: booleanFlag.optional(),
  WORKERS: z.enum(['inline', 'separate']).optional(),
  MAIL_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  MAIL_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(8),
  MAIL_RATE_PER_SECOND: z.coerce.number().min(0).max(1000).default(0),
  DB_START_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  DB_ACQUIRE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(120).default(5),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(15),
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(200).default(20),
  UPLOAD_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  TRUST_PROXY: booleanFlag.default(false),
  CENTRE_NAME: z.string().min(3).default('CIT Lecce — Centro Innovazione e Tecnologie'),
  CENTRE_EMAIL: z.string().email().default('cit@comune.lecce.it'),
  CENTRE_PHONE: z.string().default('+39 0832 682111'),
  CENTRE_CONTROLLER: z.string().min(3).default('Comune di Lecce'),
  CENTRE_DPO_EMAIL: z.string().email().default('rpd@comune.lecce.it'),
  VIEW_RELOAD: booleanFlag.default(false),
  DESK_IMAP_URL: urlString(['imap:', 'imaps:']).optional(),
  DESK_IMAP_ADDRESS: z.string().email('deve essere un indirizzo email').optional(),
  DESK_IMAP_PROCESSED_FOLDER: z.string().min(1).max(200).default('Elaborati'),
  DESK_IMAP_QUARANTINE_FOLDER: z.string().min(1).max(200).default('Quarantena'),
  DESK_IMAP_MAX_MB: z.coerce.number().int().min(1).max(200).default(25),
  DESK_IMAP_TLS_VERIFY: booleanFlag.default(true),
  OCDS_OCID_PREFIX: z.string().regex(/^ocds-[a-z0-9]{6}$/, 'deve avere la forma ocds-xxxxxx').default('ocds-cithub'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  baseUrl: string;
  databaseUrl: string | null;
  sessionSecret: string;
  smtpUrl: string | null;
  mailFrom: string;
  dataDir: string;
  logLevel: string;
  seedDemo: boolean;
  demoMode: boolean;
  workers: 'inline' | 'separate';
  uploadMaxBytes: number;
  /** Multipart uploads one process reads at once; more get a 503 with Retry-After. */
  uploadConcurrency: number;
  mailRetryDelaySeconds: number;
  /** Messages sent at once by one worker process. */
  mailConcurrency: number;
  /** At most this many messages per second from one worker process (0: no limit). */
  mailRatePerSecond: number;
  /** A database not reachable within this time at start stops the process. */
  dbStartTimeoutSeconds: number;
  /** The longest wait for a pooled database connection before a 503. */
  dbAcquireTimeoutSeconds: number;
  /** A request not answered within this time gets a 503 and its transaction is rolled back. */
  requestTimeoutSeconds: number;
  trustProxy: boolean;
  /** Templates read again from disk at every render (`npm run dev`); otherwise compiled once. */
  viewReload: boolean;
  secureCookies: boolean;
  /** `controller`: the lead body, titolare of the processing (GDPR art. 4.7); `dpoEmail`: its RPD (DPO). */
  centre: { name: string; email: string; phone: string; controller: string; dpoEmail: string };
  ocdsOcidPrefix: string;
  /** The desk's mailbox, fetched over IMAP on a schedule; null when DESK_IMAP_URL is unset (the feature is off). */
  deskImap: DeskImapConfig | null;
};

export type DeskImapConfig = {
  host: string;
  port: number;
  /** imaps:// (TLS from the first byte); imap:// upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  /** Whether the server's certificate must be valid (false only for a self-signed test server). */
  verifyTls: boolean;
  user: string;
  password: string;
  /** The folder fetched (the URL's path, INBOX by default). */
  mailbox: string;
  /** The mailbox's own address: the Reply-To of the desk's mail. */
  address: string;
  processedFolder: string;
  quarantineFolder: string;
  /** A message larger than this goes to quarantine without being downloaded. */
  maxBytes: number;
};

function deskImapConfig(e: z.infer<typeof envSchema>): DeskImapConfig | null {
  if (!e.DESK_IMAP_URL) return null;
  const url = new URL(e.DESK_IMAP_URL);
  const user = decodeURIComponent(url.username);
  if (!user || !url.password) throw new ConfigError('Configurazione non valida: DESK_IMAP_URL: indica utente e password (imap://utente:password@server/INBOX)');
  const address = e.DESK_IMAP_ADDRESS ?? (z.string().email().safeParse(user).success ? user : null);
  if (!address) throw new ConfigError("Configurazione non valida: DESK_IMAP_ADDRESS: è obbligatoria quando l'utente di DESK_IMAP_URL non è un indirizzo email");
  const secure = url.protocol === 'imaps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    verifyTls: e.DESK_IMAP_TLS_VERIFY,
    user,
    password: decodeURIComponent(url.password),
    mailbox: decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX',
    address: address.toLowerCase(),
    processedFolder: e.DESK_IMAP_PROCESSED_FOLDER,
    quarantineFolder: e.DESK_IMAP_QUARANTINE_FOLDER,
    maxBytes: e.DESK_IMAP_MAX_MB * 1024 * 1024,
  };
}

export class ConfigError extends Error {}

/** Reads the environment; a bad or missing value throws a ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new ConfigError(`Configurazione non valida: ${name}: ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.DATABASE_URL) throw new ConfigError('Configurazione non valida: DATABASE_URL è obbligatoria in produzione');
  if (production && !e.SESSION_SECRET) throw new ConfigError('Configurazione non valida: SESSION_SECRET è obbligatoria in produzione');
  const dataDir = path.resolve(e.DATA_DIR);
  const embedded = !e.DATABASE_URL;
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    baseUrl,
    databaseUrl: e.DATABASE_URL ?? null,
    sessionSecret: e.SESSION_SECRET ?? persistentSecret(dataDir),
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    dataDir,
    logLevel: e.LOG_LEVEL,
    seedDemo: e.SEED_DEMO ?? embedded,
    demoMode: e.SEED_DEMO ?? embedded,
    workers: e.WORKERS ?? (embedded ? 'inline' : 'separate'),
    uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    uploadConcurrency: e.UPLOAD_CONCURRENCY,
    mailRetryDelaySeconds: e.MAIL_RETRY_DELAY_SECONDS,
    mailConcurrency: e.MAIL_CONCURRENCY,
    mailRatePerSecond: e.MAIL_RATE_PER_SECOND,
    dbStartTimeoutSeconds: e.DB_START_TIMEOUT_SECONDS,
    dbAcquireTimeoutSeconds: e.DB_ACQUIRE_TIMEOUT_SECONDS,
    requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS,
    trustProxy: e.TRUST_PROXY,
    viewReload: e.VIEW_RELOAD,
    secureCookies: baseUrl.startsWith('https:'),
    centre: { name: e.CENTRE_NAME, email: e.CENTRE_EMAIL, phone: e.CENTRE_PHONE, controller: e.CENTRE_CONTROLLER, dpoEmail: e.CENTRE_DPO_EMAIL },
    ocdsOcidPrefix: e.OCDS_OCID_PREFIX,
    deskImap: deskImapConfig(e),
  };
}

// Outside production a secret is generated once and kept, so sessions survive restarts.
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** For process entries: the configuration, or one clear line on stderr and exit code 1. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
