// National vocabularies that several areas use: PNRR "PA digitale 2026" measures, the Piano Triennale
// actions for PAs, the Syllabus of digital competences, the kinds of bodies of IndicePA. One copy
// here (the ground floor), so no area takes them from another area. The two tables come from
// public sources (see the header of each file in src/platform/reference/) and are read once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.js';

// ---- PNRR "PA digitale 2026" ----

export interface PnrrMeasure {
  code: string;
  label: string;
  /** Names of the calls (avvisi) published under the measure, where they differ from its label. */
  calls: readonly string[];
}

/** PNRR "PA digitale 2026" measures for local bodies, labelled as in the official open data. */
export const PNRR_MEASURES: readonly PnrrMeasure[] = [
  { code: '1.1', label: 'Infrastrutture digitali', calls: [] },
  { code: '1.2', label: 'Abilitazione e facilitazione migrazione al Cloud', calls: [] },
  { code: '1.3.1', label: 'Piattaforma Digitale Nazionale Dati', calls: [] },
  { code: '1.4.1', label: 'Esperienza del cittadino nei servizi pubblici', calls: [] },
  { code: '1.4.3', label: 'Adozione PagoPA e AppIO', calls: [] },
  { code: '1.4.4', label: 'Adozione identità digitale', calls: ['Adozione SPID CIE', 'Adozione ANPR ANSC'] },
  { code: '1.4.5', label: 'Digitalizzazione degli avvisi pubblici', calls: ['Piattaforma Notifiche Digitali'] },
];

export function pnrrMeasure(code: string): PnrrMeasure | undefined {
  return PNRR_MEASURES.find((m) => m.code === code.trim());
}

// ---- Kinds of bodies (IndicePA) ----

export const IPA_KINDS = ['comune', 'unione', 'provincia', 'citta_metropolitana', 'comunita_montana', 'regione', 'altro'] as const;
export type IpaKind = (typeof IPA_KINDS)[number];

/** IndicePA's `Codice_Categoria` of the kinds above. */
const IPA_CATEGORY_KINDS: Record<string, IpaKind> = { L6: 'comune', L5: 'provincia', L4: 'regione', L45: 'citta_metropolitana', L12: 'comunita_montana' };

/** The kind of a body from its name as IndicePA writes it ("Comune di …"), else from its category code. */
export function ipaKindFrom(name: string, category: string | undefined): IpaKind {
  const n = name.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/'/g, '');
  if (n.startsWith('comune ')) return 'comune';
  if (n.startsWith('unione ')) return 'unione';
  if (n.startsWith('provincia ')) return 'provincia';
  if (n.startsWith('citta metropolitana')) return 'citta_metropolitana';
  if (n.startsWith('comunita montana')) return 'comunita_montana';
  if (n.startsWith('regione ')) return 'regione';
  return (category && IPA_CATEGORY_KINDS[category.toUpperCase()]) || 'altro';
}

// ---- Tables read from src/platform/reference/ ----

function readTsv(file: string): Array<Record<string, string>> {
  const lines = readFileSync(path.join(ROOT, 'src', 'platform', 'reference', file), 'utf8').split('\n');
  const header = lines[0].split('\t');
  return lines
    .slice(1)
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const cells = l.split('\t');
      return Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').trim()]));
    });
}

/** An action for PAs of the Piano triennale per l'informatica nella PA 2024-2026 (code `CAPn.PA.nn`). */
export type PianoTriennaleAction = {
  code: string;
  chapterNumber: number;
  chapterTitle: string;
  objective: string;
  /** The expected result (`RAx.y.z`), when the plan names one. */
  result: string | null;
  /** As the plan writes it ("Da marzo 2024"); null for the actions in force ("Linee di azione vigenti"). */
  deadline: string | null;
  text: string;
};

let pianoTriennale: readonly PianoTriennaleAction[] | null = null;

export function pianoTriennaleActions(): readonly PianoTriennaleAction[] {
  pianoTriennale ??= readTsv('piano-triennale-azioni-pa.tsv').map((r) => ({
    code: r.code,
    chapterNumber: Number(r.chapter_number),
    chapterTitle: r.chapter_title,
    objective: r.objective,
    result: r.result || null,
    deadline: r.deadline || null,
    text: r.text,
  }));
  return pianoTriennale;
}

export function pianoTriennaleAction(code: string): PianoTriennaleAction | undefined {
  const wanted = code.trim().toUpperCase();
  return pianoTriennaleActions().find((a) => a.code === wanted);
}

/** A competence of the Syllabus "Competenze digitali per la PA" (5 areas, 11 competences). */
export type SyllabusCompetence = { areaCode: string; area: string; code: string; competence: string };

let syllabus: readonly SyllabusCompetence[] | null = null;

export function syllabusCompetences(): readonly SyllabusCompetence[] {
  syllabus ??= readTsv('syllabus-competenze-digitali.tsv').map((r) => ({ areaCode: r.area_code, area: r.area, code: r.competence_code, competence: r.competence }));
  return syllabus;
}
