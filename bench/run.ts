// npm run bench -- <name>: runs bench/<name>.ts (each prints its own figures).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !['run.ts', 'lib.ts'].includes(f) && !f.startsWith('generate'))
  .map((f) => f.replace(/\.ts$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name) || !existsSync(path.join(here, `${name}.ts`))) {
  console.error(`uso: npm run bench -- <${available.join('|') || 'nome'}>`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { run: (args: string[]) => Promise<void> };
await mod.run(process.argv.slice(3));
process.exit(0);
