// npm run bench -- uploads [parallel] [MB] [UPLOAD_CONCURRENCY]: starts the app in a process of its own,
// sends `parallel` uploads of `MB` megabytes at once to a real upload route (a new desk request with
// one attachment), samples that process's resident memory every 10 ms and prints the peak (and the
// kernel's high-water mark). Target: peak RSS under 300 MB for ten parallel 19 MB uploads.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { fmt, loginCookie, printTable, startScratch } from './lib.js';

const MB = 1024 * 1024;
const here = fileURLToPath(import.meta.url);

/** VmRSS and VmHWM of a process, in bytes (Linux). */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** One multipart body: the fields of a new request and one PDF of `size` bytes. */
function multipartBody(boundary: string, fields: Record<string, string>, size: number): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  const file = Buffer.alloc(size, 0x20);
  file.write('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n', 0, 'latin1');
  file.write('\ntrailer<</Root 1 0 R>>\n%%EOF\n', size - 40, 'latin1');
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="allegato.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

function post(url: string, cookie: string, boundary: string, body: Buffer): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The app alone in this process: prints its address, stops when stdin closes. */
async function serve(concurrency: string): Promise<void> {
  const scratch = await startScratch({ UPLOAD_CONCURRENCY: concurrency });
  process.stdout.write(`READY ${scratch.baseUrl}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    scratch.stop().then(() => process.exit(0), () => process.exit(1));
  });
}

export async function run(args: string[]): Promise<void> {
  const parallel = Number(args[0] ?? 10);
  const size = Math.round(Number(args[1] ?? 19) * MB);
  const concurrency = args[2] ?? String(parallel);
  const child = spawn(process.execPath, ['--import', 'tsx', here, 'serve', concurrency], { stdio: ['pipe', 'pipe', 'inherit'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the app stopped (${code})`)));
  });
  try {
    const pid = child.pid!;
    const cookie = await loginCookie(baseUrl, 'utente@russi.cithub.example');
    const page = await (await fetch(`${baseUrl}/richieste/nuova`, { headers: { cookie } })).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const url = `${baseUrl}/richieste?_csrf=${encodeURIComponent(token)}`;
    const boundary = 'cithub-bench-boundary';
    const fields = { category: 'technical', priority: 'normal', subject: 'Prova di caricamento', description: 'Una richiesta con un allegato grande, per misurare la memoria.' };
    // A small upload first, so the code paths are loaded before the baseline is read.
    await post(url, cookie, boundary, multipartBody(boundary, fields, 64 * 1024));
    const before = memoryOf(pid);
    const bodies = Array.from({ length: parallel }, () => multipartBody(boundary, fields, size));
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(pid).rss);
    }, 10);
    const t0 = performance.now();
    const results = await Promise.all(bodies.map((b) => post(url, cookie, boundary, b)));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const after = memoryOf(pid);
    peak = Math.max(peak, after.rss);
    const statuses = results.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    console.log(`${parallel} caricamenti in parallelo da ${fmt(size / MB, 0)} MB verso POST /richieste (UPLOAD_CONCURRENCY=${concurrency}), in ${fmt(seconds, 1)} s`);
    console.log(`risposte: ${Object.entries(statuses).map(([s, n]) => `${n} × ${s}`).join(', ')}`);
    printTable([
      { misura: 'RSS prima (MB)', valore: fmt(before.rss / MB) },
      { misura: 'RSS di picco campionato (MB)', valore: fmt(peak / MB) },
      { misura: 'VmHWM del processo (MB)', valore: fmt(after.hwm / MB) },
      { misura: 'RSS dopo (MB)', valore: fmt(after.rss / MB) },
      { misura: 'obiettivo (MB)', valore: '< 300' },
    ]);
    if (peak >= 300 * MB) process.exitCode = 1;
  } finally {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
  }
}

if (process.argv[1] === here && process.argv[2] === 'serve') await serve(process.argv[3] ?? '10');
