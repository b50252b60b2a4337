// Open data: the published catalogue (optionally filtered like the list) as CSV and JSON rows,
// read in keyset batches so memory stays flat whatever the size of the catalogue.
// The column names are stable Italian identifiers and the few labels in the data (tipo_descrizione)
// are always Italian, whoever downloads: it is the centre's Italian open dataset, and consumers
// (spreadsheets, harvesters) must get the same file from the same query.
import { QueryTypes, type Sequelize } from 'sequelize';
import { translator } from '../../platform/i18n.js';
import type { AssetKind } from './models.js';
import { conditions, TSQUERY, type CatalogFilter } from './search.js';

export type OpenDataRow = {
  slug: string;
  nome: string;
  tipo: string;
  tipo_descrizione: string;
  ente_cedente: string | null;
  codice_ipa_cedente: string | null;
  titolare: string | null;
  descrizione_breve: string | null;
  repository: string | null;
  pagina_web: string | null;
  licenza: string | null;
  stato_sviluppo: string | null;
  tipo_software: string | null;
  versione: string | null;
  data_rilascio: string | null;
  categorie: string[];
  ambiti: string[];
  piattaforme: string[];
  piattaforme_nazionali: string[];
  misure_pnrr: string[];
  parole_chiave: string[];
  enti_che_lo_usano: number;
  dichiarazioni_di_adozione: number;
  pubblicato_il: string | null;
  scheda: string;
  publiccode_yml: string | null;
};

export const OPEN_DATA_COLUMNS: Array<keyof OpenDataRow> = [
  'slug', 'nome', 'tipo', 'tipo_descrizione', 'ente_cedente', 'codice_ipa_cedente', 'titolare', 'descrizione_breve', 'repository',
  'pagina_web', 'licenza', 'stato_sviluppo', 'tipo_software', 'versione', 'data_rilascio', 'categorie', 'ambiti', 'piattaforme',
  'piattaforme_nazionali', 'misure_pnrr', 'parole_chiave', 'enti_che_lo_usano', 'dichiarazioni_di_adozione', 'pubblicato_il', 'scheda',
  'publiccode_yml',
];

type Raw = {
  id: number;
  slug: string;
  name: string;
  kind: AssetKind;
  entity_name: string | null;
  ipa_code: string | null;
  publisher: string | null;
  short_description: string | null;
  url: string | null;
  landing: string | null;
  license: string | null;
  development_status: string | null;
  software_type: string | null;
  software_version: string | null;
  release_date: string | null;
  categories: string[];
  scopes: string[];
  platforms: string[];
  italian_platforms: string[];
  pnrr_measures: string[];
  tags: string[];
  in_use_count: number;
  adoption_count: number;
  published_at: Date | null;
  lname: string;
};

/** Rows of the published catalogue in name order, 500 at a time. */
export async function* openDataRows(sequelize: Sequelize, f: CatalogFilter, baseUrl: string): AsyncGenerator<OpenDataRow> {
  const where = conditions(f);
  const clauses = [`a.status = 'published'`, ...where.sql];
  if (f.q) clauses.push(`a.search @@ ${TSQUERY}`);
  let last: { name: string; id: number } | null = null;
  for (;;) {
    const rows: Raw[] = await sequelize.query<Raw>(
      `SELECT a.id, a.slug, a.name, lower(a.name) AS lname, a.kind, e.name AS entity_name, e.ipa_code, a.publisher, a.short_description,
              a.url, a.publiccode->>'landingURL' AS landing, a.license, a.development_status, a.software_type, a.software_version,
              to_char(a.release_date, 'YYYY-MM-DD') AS release_date, a.categories, a.scopes, a.platforms, a.italian_platforms,
              a.pnrr_measures, a.tags, a.in_use_count, a.adoption_count, a.published_at
         FROM catalog_assets a LEFT JOIN entities e ON e.id = a.entity_id
        WHERE ${clauses.join(' AND ')} ${last ? 'AND (lower(a.name), a.id) > (:lastName, :lastId)' : ''}
        ORDER BY lower(a.name), a.id
        LIMIT 500`,
      { replacements: { ...where.replacements, q: f.q ?? '', lastName: last?.name ?? '', lastId: last?.id ?? 0 }, type: QueryTypes.SELECT },
    );
    if (!rows.length) return;
    for (const r of rows) {
      yield {
        slug: r.slug,
        nome: r.name,
        tipo: r.kind,
        tipo_descrizione: openDataT(`catalog:kind.${r.kind}`),
        ente_cedente: r.entity_name,
        codice_ipa_cedente: r.ipa_code,
        titolare: r.publisher,
        descrizione_breve: r.short_description,
        repository: r.url,
        pagina_web: r.landing,
        licenza: r.license,
        stato_sviluppo: r.development_status,
        tipo_software: r.software_type,
        versione: r.software_version,
        data_rilascio: r.release_date,
        categorie: r.categories,
        ambiti: r.scopes,
        piattaforme: r.platforms,
        piattaforme_nazionali: r.italian_platforms,
        misure_pnrr: r.pnrr_measures,
        parole_chiave: r.tags,
        enti_che_lo_usano: r.in_use_count,
        dichiarazioni_di_adozione: r.adoption_count,
        pubblicato_il: r.published_at ? r.published_at.toISOString() : null,
        scheda: `${baseUrl}/catalogo/${r.slug}`,
        publiccode_yml: r.url ? `${baseUrl}/catalogo/${r.slug}/publiccode.yml` : null,
      };
    }
    const tail = rows[rows.length - 1];
    last = { name: tail.lname, id: tail.id };
  }
}

/** The rows as CSV records: lists joined with «;» inside their cell. */
export async function* openDataCsvRows(rows: AsyncIterable<OpenDataRow>): AsyncGenerator<Record<string, string | number>> {
  for await (const row of rows) {
    yield Object.fromEntries(OPEN_DATA_COLUMNS.map((c) => {
      const v = row[c];
      return [c, Array.isArray(v) ? v.join(';') : v ?? ''];
    }));
  }
}

/**
 * The JSON document in pieces: the head's fields, then the assets (one per line, a hundred per
 * piece, so a piece is a few milliseconds of work), then the closing.
 */
export async function* openDataJson(head: { titolo: string; generato_il: string; fonte: string }, rows: AsyncIterable<OpenDataRow>): AsyncGenerator<string> {
  yield `{"titolo":${JSON.stringify(head.titolo)},"generato_il":${JSON.stringify(head.generato_il)},"fonte":${JSON.stringify(head.fonte)},"asset":[`;
  let first = true;
  let batch: string[] = [];
  for await (const row of rows) {
    batch.push(`${first ? '' : ','}\n${JSON.stringify(row)}`);
    first = false;
    if (batch.length === 100) {
      yield batch.join('');
      batch = [];
    }
  }
  yield `${batch.join('')}\n]}\n`;
}

/** Labels in open data are Italian (see the header). */
export const openDataT = translator('it');

