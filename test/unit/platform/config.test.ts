import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/config.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cithub-config-'));

describe('configuration', () => {
  it('defaults to the embedded database, inline workers and demo data', () => {
    const config = loadConfig({ DATA_DIR: tmp() });
    expect(config.databaseUrl).to.equal(null);
    expect(config.workers).to.equal('inline');
    expect(config.seedDemo).to.equal(true);
    expect(config.port).to.equal(3000);
    expect(config.baseUrl).to.equal('http://localhost:3000');
    expect(config.secureCookies).to.equal(false);
  });

  it('reads the upload limits: UPLOAD_MAX_MB and UPLOAD_CONCURRENCY, each within its range', () => {
    const defaults = loadConfig({ DATA_DIR: tmp() });
    expect(defaults.uploadMaxBytes).to.equal(20 * 1024 * 1024);
    expect(defaults.uploadConcurrency).to.equal(4);
    const set = loadConfig({ DATA_DIR: tmp(), UPLOAD_MAX_MB: '5', UPLOAD_CONCURRENCY: '12' });
    expect(set.uploadMaxBytes).to.equal(5 * 1024 * 1024);
    expect(set.uploadConcurrency).to.equal(12);
    expect(() => loadConfig({ DATA_DIR: tmp(), UPLOAD_CONCURRENCY: '0' })).to.throw(ConfigError, /UPLOAD_CONCURRENCY/);
  });

  it('generates a session secret once and keeps it under DATA_DIR', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    expect(first.length).to.be.greaterThan(40);
    expect(readFileSync(path.join(dir, 'session-secret'), 'utf8')).to.equal(first);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).to.equal(first);
  });

  it('stops with one line naming a bad variable', () => {
    expect(() => loadConfig({ PORT: 'ottanta' })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).to.throw(ConfigError, /DATABASE_URL/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail' })).to.throw(ConfigError, /SMTP_URL/);
    expect(() => loadConfig({ SESSION_SECRET: 'corto' })).to.throw(ConfigError, /SESSION_SECRET/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).to.throw(ConfigError, /LOG_LEVEL/);
    try {
      loadConfig({ PORT: '99999' });
    } catch (err) {
      expect((err as Error).message).to.not.include('\n');
    }
  });

  it('requires DATABASE_URL and SESSION_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) })).to.throw(ConfigError, /DATABASE_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/cithub' })).to.throw(ConfigError, /SESSION_SECRET/);
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/cithub', SESSION_SECRET: 'x'.repeat(40), BASE_URL: 'https://cit.example.it' });
    expect(config.workers).to.equal('separate');
    expect(config.seedDemo).to.equal(false);
    expect(config.secureCookies).to.equal(true);
  });

  it('reads the desk mailbox: off when DESK_IMAP_URL is unset; TLS, port, folder and address from the URL; bad values named', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).deskImap).to.equal(null);
    const tls = loadConfig({ DATA_DIR: tmp(), DESK_IMAP_URL: 'imaps://sportello%40cit.example.it:p%40ss%3Aw@imap.example.it/INBOX' }).deskImap!;
    expect(tls).to.deep.include({ host: 'imap.example.it', port: 993, secure: true, verifyTls: true, user: 'sportello@cit.example.it', password: 'p@ss:w', mailbox: 'INBOX', address: 'sportello@cit.example.it', processedFolder: 'Elaborati', quarantineFolder: 'Quarantena', maxBytes: 25 * 1024 * 1024 });
    const plain = loadConfig({
      DATA_DIR: tmp(),
      DESK_IMAP_URL: 'imap://desk:secret@127.0.0.1:1143/Richieste',
      DESK_IMAP_ADDRESS: 'Sportello@CIT.example.it',
      DESK_IMAP_PROCESSED_FOLDER: 'Archivio',
      DESK_IMAP_QUARANTINE_FOLDER: 'Da vedere',
      DESK_IMAP_MAX_MB: '10',
      DESK_IMAP_TLS_VERIFY: 'false',
    }).deskImap!;
    expect(plain).to.deep.include({ port: 1143, secure: false, verifyTls: false, mailbox: 'Richieste', address: 'sportello@cit.example.it', processedFolder: 'Archivio', quarantineFolder: 'Da vedere', maxBytes: 10 * 1024 * 1024 });
    expect(() => loadConfig({ DATA_DIR: tmp(), DESK_IMAP_URL: 'pop3://a:b@host' })).to.throw(ConfigError, /DESK_IMAP_URL/);
    expect(() => loadConfig({ DATA_DIR: tmp(), DESK_IMAP_URL: 'imap://host/INBOX' })).to.throw(ConfigError, /DESK_IMAP_URL: indica utente e password/);
    expect(() => loadConfig({ DATA_DIR: tmp(), DESK_IMAP_URL: 'imap://desk:secret@host/INBOX' })).to.throw(ConfigError, /DESK_IMAP_ADDRESS/);
    expect(() => loadConfig({ DATA_DIR: tmp(), DESK_IMAP_URL: 'imap://desk:secret@host', DESK_IMAP_ADDRESS: 'non-un-indirizzo' })).to.throw(ConfigError, /DESK_IMAP_ADDRESS/);
    expect(() => loadConfig({ DATA_DIR: tmp(), DESK_IMAP_MAX_MB: '0' })).to.throw(ConfigError, /DESK_IMAP_MAX_MB/);
  });
});
