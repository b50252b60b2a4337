// The responders of src/web/responders.ts through real HTTP: a stored file that fails mid-download,
// the one CSV rule (delimiter, BOM, formula guard), back-pressure and a client that leaves, ICS.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import request from 'supertest';
import { ConnectionError } from 'sequelize';
import { buildCalendar } from '../../src/platform/ics.js';
import { csvCell, icsResponse, sendCsv, sendOfficeDocument } from '../../src/web/responders.js';
import { testContext } from '../helpers/app.js';
import { loginAs } from '../helpers/http.js';
import { onShutdown } from '../helpers/resources.js';

/** GETs a URL with plain node:http and reports how the body ended: complete, or cut short. */
function download(url: string): Promise<{ status: number; declared: number; received: number; ended: 'complete' | 'aborted' }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let received = 0;
        const declared = Number(res.headers['content-length']);
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        const done = (ended: 'complete' | 'aborted') => resolve({ status: res.statusCode ?? 0, declared, received, ended });
        res.on('end', () => done(res.complete ? 'complete' : 'aborted'));
        res.on('aborted', () => done('aborted'));
        res.on('error', () => done('aborted'));
      })
      .on('error', reject);
  });
}

/** A small app on a real port, for the responders' streaming behaviour. */
async function serve(app: express.Express): Promise<string> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onShutdown(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('web responders', () => {
  describe('stored-file download', () => {
    const assetPage = '/catalogo/regolamento-per-luso-degli-strumenti-informatici-e-telematici';

    it('streams the file as an attachment with its type, length and nosniff', async () => {
      const { app } = await testContext();
      const href = (await request(app).get(assetPage)).text.match(/href="(\/catalogo\/regolamento[^"]+\/file\/\d+)"/)![1];
      const res = await request(app).get(href).buffer(true);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      expect(res.headers['content-disposition']).to.match(/^attachment; filename="/);
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(Number(res.headers['content-length'])).to.equal((res.body as Buffer).length);
    });

    it('a database failure in the middle of a download cuts that response and the process keeps serving', async () => {
      const { app, platform, baseUrl } = await testContext();
      const href = (await request(app).get(assetPage)).text.match(/href="(\/catalogo\/regolamento[^"]+\/file\/\d+)"/)![1];
      const files = platform.files;
      const realStream = files.stream.bind(files);
      // The first chunk comes from the store; the next read fails as a dropped database connection does.
      files.stream = (id: string, size: number) =>
        Readable.from(
          (async function* () {
            for await (const chunk of realStream(id, size, 64)) {
              yield chunk as Buffer;
              throw new ConnectionError(new Error('terminating connection due to administrator command'));
            }
          })(),
        );
      try {
        const cut = await download(`${baseUrl}${href}`);
        expect(cut.status).to.equal(200);
        expect(cut.ended).to.equal('aborted');
        expect(cut.received).to.be.greaterThan(0).and.lessThan(cut.declared);
      } finally {
        files.stream = realStream;
      }
      expect((await request(app).get('/healthz')).status).to.equal(200);
      const whole = await download(`${baseUrl}${href}`);
      expect(whole).to.include({ ended: 'complete', status: 200 });
      expect(whole.received).to.equal(whole.declared);
    });

    it('a file that is not there is a 404 page, not a broken download', async () => {
      const { app } = await testContext();
      const res = await request(app).get(`${assetPage}/file/999999`);
      expect(res.status).to.equal(404);
      expect(res.headers['content-disposition']).to.equal(undefined);
    });
  });

  describe('CSV', () => {
    it('guards every cell that a spreadsheet would read as a formula', () => {
      expect(csvCell('=1+1')).to.equal("'=1+1");
      expect(csvCell('+39 0832')).to.equal("'+39 0832");
      expect(csvCell('-2')).to.equal("'-2");
      expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
      expect(csvCell('\tx')).to.equal("'\tx");
      expect(csvCell('\rx')).to.equal("'\rx");
      expect(csvCell('Parere sul regolamento')).to.equal('Parere sul regolamento');
      expect(csvCell(null)).to.equal('');
    });

    it('writes «;»-separated UTF-8 with a BOM, CRLF, quoted where needed, guarded, as an attachment', async () => {
      const { platform } = await testContext();
      const app = express();
      app.get('/x.csv', async (_req, res) => {
        await sendCsv(platform, res, { filename: 'prova è.csv', columns: ['nome', 'nota', 'n'], rows: [{ nome: 'Comune di Forlì', nota: '=cmd|x', n: 3 }, { nome: 'a;b', nota: null, n: -1 }] });
      });
      const res = await request(app).get('/x.csv').buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      const raw = res.body as Buffer;
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).to.equal('attachment; filename="prova _.csv"; filename*=UTF-8\'\'prova%20%C3%A8.csv');
      expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const text = raw.toString('utf8').slice(1);
      expect(text).to.equal("nome;nota;n\r\nComune di Forlì;'=cmd|x;3\r\n\"a;b\";;-1\r\n");
      expect(parse(text, { delimiter: ';', columns: true })).to.deep.equal([
        { nome: 'Comune di Forlì', nota: "'=cmd|x", n: '3' },
        { nome: 'a;b', nota: '', n: '-1' },
      ]);
    });

    it('a refusal raised by the first row is an error page, not a half CSV', async () => {
      const member = await loginAs('utente@russi.cithub.example');
      const res = await member.get('/catalogo/adozioni.csv');
      expect(res.status).to.equal(403);
      expect(res.headers['content-type']).to.contain('text/html');
      expect(res.headers['content-disposition']).to.equal(undefined);
    });

    it('pulls rows only as fast as the client reads, and stops the producer when the client leaves', async () => {
      const { platform } = await testContext();
      let produced = 0;
      let stopped!: () => void;
      const producerStopped = new Promise<void>((resolve) => (stopped = resolve));
      async function* endless() {
        try {
          for (;;) yield [++produced, 'x'.repeat(200)];
        } finally {
          stopped();
        }
      }
      const app = express();
      app.get('/endless.csv', async (_req, res) => {
        await sendCsv(platform, res, { filename: 'endless.csv', rows: endless() });
      });
      const base = await serve(app);
      let firstBytes!: () => void;
      const gotBytes = new Promise<void>((resolve) => (firstBytes = resolve));
      const req = http.get(`${base}/endless.csv`, (res) => {
        res.pause(); // the client reads nothing more: the server must stop producing, not buffer forever
        res.once('readable', () => firstBytes());
      });
      req.on('error', () => {});
      await gotBytes;
      // With the client paused, the producer is held by back-pressure: rows stay within the socket buffers.
      const before = produced;
      req.destroy();
      await producerStopped;
      expect(before).to.be.greaterThan(0);
      expect(produced).to.be.lessThan(200_000);
    });
  });

  describe('ICS', () => {
    it('answers a calendar as text/calendar, inline for feeds and as an attachment for exports', async () => {
      const calendar = buildCalendar(
        [
          { uid: 'e-1@cithub', title: 'Scadenza offerte', date: new Date('2026-03-05T11:00:00Z'), allDay: false },
          { uid: 'e-2@cithub', title: 'Stipula', date: '2026-05-20', allDay: false },
        ],
        { name: 'Prova', prodId: '//CIT Hub//Prova//IT', timeZone: 'Europe/Rome', now: new Date('2026-02-01T09:00:00Z') },
      );
      const app = express();
      app.get('/feed.ics', (_req, res) => icsResponse(res, calendar, { filename: 'feed.ics', disposition: 'inline' }));
      app.get('/export.ics', (_req, res) => icsResponse(res, calendar, { filename: 'scadenze.ics' }));
      const feed = await request(app).get('/feed.ics');
      expect(feed.headers['content-type']).to.equal('text/calendar; charset=utf-8');
      expect(feed.headers['content-disposition']).to.equal('inline; filename="feed.ics"');
      expect(feed.headers['cache-control']).to.equal('private, no-store');
      expect(feed.text).to.match(/^BEGIN:VCALENDAR/);
      expect(feed.text).to.contain('UID:e-1@cithub');
      expect(feed.text).to.contain('DTSTART;VALUE=DATE:20260520');
      const file = await request(app).get('/export.ics');
      expect(file.headers['content-disposition']).to.equal('attachment; filename="scadenze.ics"');
    });

    it('refuses an unknown time zone and a date it cannot read', () => {
      const opts = { name: 'x', prodId: '//x//x//IT', timeZone: 'Europe/Rome' };
      expect(() => buildCalendar([], { ...opts, timeZone: 'Europe/Atlantide' })).to.throw(RangeError);
      expect(() => buildCalendar([{ uid: 'a', title: 'x', date: 'domani', allDay: false }], opts)).to.throw(RangeError);
    });
  });

  describe('office document', () => {
    it('answers an editable document made on the fly as an attachment of its type, never cached, accents kept in the name', async () => {
      const content = Buffer.from('PK\u0003\u0004 a docx would be here');
      const app = express();
      app.get('/d.docx', (_req, res) => sendOfficeDocument(res, { filename: 'determina-attività.docx', format: 'docx', content }));
      app.get('/d.odt', (_req, res) => sendOfficeDocument(res, { filename: 'determina.odt', format: 'odt', content }));
      const docx = await request(app).get('/d.docx').buffer(true);
      expect(docx.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(docx.headers['content-disposition']).to.equal(`attachment; filename="determina-attivit_.docx"; filename*=UTF-8''determina-attivit%C3%A0.docx`);
      expect(docx.headers['cache-control']).to.equal('private, no-store');
      expect(docx.headers['x-content-type-options']).to.equal('nosniff');
      expect(Number(docx.headers['content-length'])).to.equal(content.length);
      const odt = await request(app).get('/d.odt').buffer(true);
      expect(odt.headers['content-type']).to.equal('application/vnd.oasis.opendocument.text');
    });
  });
});
