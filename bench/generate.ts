// Realistic scale data for the benchmarks, inserted in bulk with SQL. Each area adds its generator
// (bench/generate-<area>.ts) and reuses the bodies made here.
import type { Sequelize } from 'sequelize';

const PLACES = ['San', 'Santa', 'Castel', 'Monte', 'Borgo', 'Villa', 'Torre', 'Porto', 'Rocca', 'Poggio'];
const NAMES = ['Giovanni', 'Pietro', 'Maria', 'Lorenzo', 'Vito', 'Nicola', 'Cesario', 'Donato', 'Michele', 'Marco', 'Cosimo', 'Oronzo', 'Rocco', 'Biagio', 'Sebastiano'];
const SUFFIXES = ['', ' di Puglia', ' Salentino', ' in Valle', ' sul Mare', ' Terme', ' Marittima', ' al Monte', ' d’Otranto', ' Calabro', ' Lucano', ' Irpino'];
const PROVINCES = [['LE', 'Puglia'], ['BR', 'Puglia'], ['TA', 'Puglia'], ['BA', 'Puglia'], ['PZ', 'Basilicata'], ['MT', 'Basilicata'], ['AV', 'Campania'], ['SA', 'Campania'], ['CS', 'Calabria'], ['RA', 'Emilia-Romagna'], ['BS', 'Lombardia'], ['GE', 'Liguria']];

/** Inserts `n` comuni with Italian-like names, populations skewed small, IPA codes bench_<i>; returns their ids. */
export async function generateBodies(sequelize: Sequelize, n: number): Promise<number[]> {
  const rows: string[] = [];
  const values: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const name = `Comune di ${PLACES[i % PLACES.length]} ${NAMES[(i * 7) % NAMES.length]}${SUFFIXES[(i * 3) % SUFFIXES.length]}${i >= 100 ? ` ${Math.floor(i / 100)}` : ''}`;
    const [province, region] = PROVINCES[i % PROVINCES.length];
    const population = Math.round(800 + ((i * 7919) % 100) ** 2 * 3 + ((i * 104729) % 5000));
    const base = values.length;
    rows.push(`($${base + 1}, $${base + 2}, 'comune', $${base + 3}, $${base + 4}, $${base + 5}, 'active', '2024-01-01', $${base + 6})`);
    values.push(`bench_${i}`, name, province, region, population, i % 25 === 0);
  }
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000);
    const offset = start * 6;
    const renumbered = chunk.map((r) => r.replace(/\$(\d+)/g, (_m, k) => `$${Number(k) - offset}`));
    const [result] = await sequelize.query(
      `INSERT INTO entities (ipa_code, name, kind, province_code, region, population, membership_status, joined_on, is_cedent)
       VALUES ${renumbered.join(',')} RETURNING id`,
      { bind: values.slice(offset, offset + chunk.length * 6) },
    );
    ids.push(...(result as Array<{ id: number }>).map((r) => r.id));
  }
  return ids;
}
