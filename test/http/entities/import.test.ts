import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { testContext } from '../../helpers/app.js';
import { loginAs } from '../../helpers/http.js';

const HEADER = 'Codice_IPA;Denominazione_ente;Codice_fiscale_ente;Tipologia;Codice_Categoria;Codice_comune_ISTAT;Sito_istituzionale;Mail1';

async function upload(content: Buffer | string, name = 'enti.csv') {
  const agent = await loginAs('admin@cithub.example');
  const token = await agent.csrf('/enti/importa');
  return agent.post(`/enti/importa`).field('_csrf', token).attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'), name);
}

/** Bodies with these IPA codes: the rows of a refused file, none of which may be saved. */
async function bodiesWith(codes: string[]): Promise<number> {
  const { platform } = await testContext();
  const [row] = await platform.sequelize.query<{ n: string }>('SELECT count(*) AS n FROM entities WHERE ipa_code IN (:codes)', { replacements: { codes }, type: QueryTypes.SELECT });
  return Number(row.n);
}

describe('IndicePA CSV import', () => {
  it('creates new bodies and updates existing ones by IPA code', async () => {
    const { platform } = await testContext();
    const code = `c_z${Date.now().toString(36).slice(-4)}`;
    const csv = [
      HEADER,
      `${code};Comune di Santa Maria al Bagno;80001230753;Pubbliche Amministrazioni;L6;75099;www.santamaria.example.it;protocollo@santamaria.example.it`,
      `c_h642;Comune di Russi;00246880397;Pubbliche Amministrazioni;L6;039016;https://www.comune.russi.ra.it;`,
    ].join('\n');
    const res = await upload(`\uFEFF${csv}\n`);
    expect(res.status).to.equal(302);
    const [created] = await platform.sequelize.query<Record<string, unknown>>(
      'SELECT name, kind, istat_code, website, email, membership_status FROM entities WHERE ipa_code = :code',
      { replacements: { code }, type: QueryTypes.SELECT },
    );
    expect(created).to.deep.equal({
      name: 'Comune di Santa Maria al Bagno',
      kind: 'comune',
      istat_code: '075099',
      website: 'https://www.santamaria.example.it',
      email: 'protocollo@santamaria.example.it',
      membership_status: 'prospect',
    });
    const [russi] = await platform.sequelize.query<{ website: string; membership_status: string; is_cedent: boolean }>(
      `SELECT website, membership_status, is_cedent FROM entities WHERE ipa_code = 'c_h642'`,
      { type: QueryTypes.SELECT },
    );
    // Updated from the file, but the centre's own data (membership, cedent flag) is kept.
    expect(russi).to.deep.equal({ website: 'https://www.comune.russi.ra.it', membership_status: 'active', is_cedent: true });
  });

  it('accepts comma-separated files too', async () => {
    const code = `c_w${Date.now().toString(36).slice(-4)}`;
    const res = await upload(`Codice_IPA,Denominazione_ente,Codice_fiscale_ente,Tipologia\n${code},"Unione dei Comuni della Grecìa Salentina",93012345678,Pubbliche Amministrazioni\n`);
    expect(res.status).to.equal(302);
    const { platform } = await testContext();
    const [row] = await platform.sequelize.query<{ kind: string; name: string }>('SELECT kind, name FROM entities WHERE ipa_code = :code', { replacements: { code }, type: QueryTypes.SELECT });
    expect(row).to.deep.equal({ kind: 'unione', name: 'Unione dei Comuni della Grecìa Salentina' });
  });

  it('reports a missing column and imports nothing', async () => {
    expect(await bodiesWith(['c_q111'])).to.equal(0);
    const res = await upload('Codice_IPA;Denominazione_ente;Tipologia\nc_q111;Comune di Nessuno;PA\n');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Mancano le colonne obbligatorie: Codice_fiscale_ente');
    expect(await bodiesWith(['c_q111'])).to.equal(0);
  });

  it('reports every bad row with its line, including duplicate IPA codes, and imports nothing', async () => {
    // The good rows (c_q201, c_q202) are not saved either: all or nothing.
    const codes = ['c_q201', 'c_q202', 'c_q206'];
    expect(await bodiesWith(codes)).to.equal(0);
    const csv = [
      HEADER,
      'c_q201;Comune Uno;80001230001;PA;L6;75001;;',
      'c_q202;Comune Due;80001230002;PA;L6;75002;;',
      'c_q201;Comune Uno bis;80001230003;PA;L6;75003;;',
      'c q 204!;Comune Quattro;80001230004;PA;L6;75004;;',
      ';Comune Senza Codice;80001230005;PA;L6;75005;;',
      'c_q206;Comune Sei;80001230006;PA',
    ].join('\n');
    const res = await upload(csv);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Nessun ente importato: 4 righe non valide.');
    expect(res.text).to.match(/<td>4<\/td><td>c_q201<\/td><td>Codice IPA duplicato: compare già alla riga 2\.<\/td>/);
    expect(res.text).to.match(/<td>5<\/td><td>c q 204!<\/td><td>Il codice IPA non è valido/);
    expect(res.text).to.match(/<td>6<\/td><td>—<\/td><td>Il codice IPA è obbligatorio\.<\/td>/);
    expect(res.text).to.match(/<td>7<\/td><td>c_q206<\/td><td>La riga ha 4 colonne invece di 8\.<\/td>/);
    expect(await bodiesWith(codes)).to.equal(0);
  });

  it('refuses a file that is not UTF-8, with advice', async () => {
    expect(await bodiesWith(['c_q301'])).to.equal(0);
    const latin1 = Buffer.from(`${HEADER}\nc_q301;Comune di Cerignola Città;80001230301;PA;L6;71020;;\n`, 'latin1');
    const res = await upload(latin1);
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('Il file non è codificato in UTF-8');
    expect(await bodiesWith(['c_q301'])).to.equal(0);
  });

  it('refuses an empty file and a header-only file', async () => {
    const empty = await upload(Buffer.alloc(0));
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('Il file è vuoto');
    const headerOnly = await upload(`${HEADER}\n`);
    expect(headerOnly.status).to.equal(422);
    expect(headerOnly.text).to.contain('solo la riga di intestazione');
    const none = await (async () => {
      const agent = await loginAs('admin@cithub.example');
      const token = await agent.csrf('/enti/importa');
      return agent.post(`/enti/importa`).field('_csrf', token).field('x', 'y');
    })();
    expect(none.status).to.equal(422);
  });

  it('is for admins only, and a multipart POST still needs the CSRF token', async () => {
    const staff = await loginAs('staff@cithub.example');
    expect((await staff.get('/enti/importa')).status).to.equal(403);
    const admin = await loginAs('admin@cithub.example');
    const noToken = await admin.post('/enti/importa').attach('file', Buffer.from(`${HEADER}\n`), 'enti.csv');
    expect(noToken.status).to.equal(403);
  });
});
