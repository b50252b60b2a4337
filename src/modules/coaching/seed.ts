// Demo data: the template "Autovalutazione della maturità digitale del Comune" (8 areas, 35
// questions tied to CAD art. 17, Piano triennale actions and PNRR measures), published, and the
// demo RTD's coach. The assessments themselves are left to the RTDs (the Done-when flow).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Platform } from '../../platform/context.js';
import { ROOT } from '../../platform/paths.js';
import { activeStaff } from '../accounts/index.js';
import { findBodyByIpa } from '../entities/index.js';
import { exec, one } from './sql.js';
import { importTemplate, parseTemplateText } from './templates.js';

export const DEMO_TEMPLATE_FILE = path.join(ROOT, 'src', 'modules', 'coaching', 'seed-data', 'autovalutazione-comune.yaml');

export function demoTemplate() {
  return parseTemplateText(readFileSync(DEMO_TEMPLATE_FILE, 'utf8'), 'yaml');
}

export async function seedCoaching(platform: Platform): Promise<void> {
  const file = demoTemplate();
  if (!(await one(platform, `SELECT 1 FROM coaching_templates WHERE title = :title`, { title: file.title }))) {
    await importTemplate(platform, null, file, { publish: true });
  }
  const staff = (await activeStaff()).find((p) => p.role === 'staff');
  if (!staff) return;
  for (const ipa of ['c_h642']) {
    const body = await findBodyByIpa(ipa);
    if (body) await exec(platform, `INSERT INTO coaching_coaches (entity_id, coach_user_id) VALUES (:e, :c) ON CONFLICT DO NOTHING`, { e: body.id, c: staff.id });
  }
}
