// Cycles and sessions made for one test through the services (as staff would through the pages),
// and actors for the services.
import path from 'node:path';
import { DateTime } from 'luxon';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { QueryTypes } from 'sequelize';
import { User } from '../../../src/modules/accounts/models.js';
import { createCycle, createSession } from '../../../src/modules/training/service.js';
import type { Actor } from '../../../src/platform/actor.js';
import { ROOT } from '../../../src/platform/paths.js';
import { testContext } from '../../helpers/app.js';

let counter = 0;

export function actorOf(u: { id: number; email: string; name: string; role: Actor['role']; entityId: number | null }): Actor {
  return { userId: u.id, email: u.email, name: u.name, role: u.role, entityId: u.entityId, ip: '127.0.0.1' };
}

export async function staffActor(): Promise<Actor> {
  return actorOf((await User.findOne({ where: { email: 'staff@cithub.example' } }))!);
}

export function cycleFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  counter++;
  return {
    title: `Ciclo di prova ${Date.now().toString(36)}-${counter}`,
    description: 'Un ciclo fatto per un test.',
    audience: 'staff',
    competences: ['1.1', '2.1'],
    level: 'base',
    hours: '2',
    organiser: 'CIT',
    speakers: 'Relatore di prova',
    attendancePercent: '80',
    offerHours: '24',
    seatsPerBody: '',
    reservedUntil: '',
    retentionDays: '90',
    state: 'published',
    ...overrides,
  };
}

/** A day and time in Rome `days` from now (negative for the past). */
export function romeSlot(days: number, time = '10:00'): { day: string; time: string } {
  return { day: DateTime.now().setZone('Europe/Rome').plus({ days }).toISODate()!, time };
}

export function sessionFields(overrides: Record<string, string> = {}): Record<string, string> {
  return { title: `Sessione ${++counter}`, ...romeSlot(7), durationMinutes: '60', mode: 'online', link: 'https://meet.example/prova', place: '', capacity: '10', ...overrides };
}

export async function makeCycle(overrides: Record<string, string | string[]> = {}) {
  const { platform } = await testContext();
  return createCycle(platform, await staffActor(), cycleFields(overrides));
}

export async function makeSession(cycleId: number, overrides: Record<string, string> = {}) {
  const { platform } = await testContext();
  return createSession(platform, await staffActor(), cycleId, sessionFields(overrides));
}

/** Moves a session's start (tests of past sessions: the services refuse to create them in the past). */
export async function moveSession(sessionId: number, startsAt: Date): Promise<void> {
  const { platform } = await testContext();
  await platform.sequelize.query(`UPDATE training_sessions SET starts_at = :startsAt WHERE id = :sessionId`, { replacements: { startsAt, sessionId } });
}

export async function registrationsOf(sessionId: number) {
  const { platform } = await testContext();
  return platform.sequelize.query<{ id: number; user_id: number | null; state: string; entity_id: number | null; citizen_email: string | null; citizen_name: string | null; anonymised: boolean }>(
    `SELECT id, user_id, state, entity_id, citizen_email, citizen_name, anonymised FROM training_registrations WHERE session_id = :sessionId ORDER BY id`,
    { replacements: { sessionId }, type: QueryTypes.SELECT },
  );
}

/** The link in the newest mail to `to` whose text contains `path`. */
export function linkIn(text: string, path: string): string {
  const m = text.match(new RegExp(`https?://[^\\s]+${path.replace(/\//g, '\\/')}[^\\s]+`));
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[0];
}

/** The text of a PDF, page by page, as pdf.js reads it. */
export async function pdfText(buffer: Buffer | Uint8Array): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(buffer), useSystemFonts: false, standardFontDataUrl: path.join(ROOT, 'node_modules', 'pdfjs-dist', 'standard_fonts') + path.sep }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    text += (await page.getTextContent()).items.map((it) => ('str' in it ? it.str : '')).join(' ') + '\n';
  }
  return text;
}

// jsqr is a CommonJS module whose export is the function itself (its types describe it as `default`).
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

type PdfImage = { width: number; height: number; kind: number; data: Uint8Array };

/** What the QR codes drawn in a PDF say: each image is taken from the PDF by pdf.js and read by jsQR. */
export async function qrCodesOfPdf(buffer: Buffer | Uint8Array): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(buffer), useSystemFonts: false, standardFontDataUrl: path.join(ROOT, 'node_modules', 'pdfjs-dist', 'standard_fonts') + path.sep }).promise;
  const found: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const ops = await page.getOperatorList();
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (ops.fnArray[i] !== OPS.paintImageXObject) continue;
      const img = await new Promise<PdfImage>((resolve) => page.objs.get(ops.argsArray[i][0] as string, resolve));
      // pdf.js image kinds: 1 one bit per pixel, 2 RGB, 3 RGBA.
      const rgba = new Uint8ClampedArray(img.width * img.height * 4);
      const rowBytes = Math.ceil(img.width / 8);
      for (let p = 0; p < img.width * img.height; p++) {
        const [x, y] = [p % img.width, Math.floor(p / img.width)];
        const rgb = img.kind === 3 ? [img.data[p * 4], img.data[p * 4 + 1], img.data[p * 4 + 2]] : img.kind === 2 ? [img.data[p * 3], img.data[p * 3 + 1], img.data[p * 3 + 2]] : Array(3).fill(((img.data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1) * 255);
        rgba.set([...rgb, 255], p * 4);
      }
      const qr = jsQR(rgba, img.width, img.height);
      if (qr) found.push(qr.data);
    }
  }
  return found;
}
