// The demo "modello di documento" for a tender: a determina a contrarre for an affidamento diretto
// (D.Lgs. 36/2023 art. 17 c. 2 and art. 50 c. 1), as an editable DOCX whose {fields} the tenders
// area fills with a dossier's data (docxtemplater syntax). Built here from its paragraphs, so the
// repository holds readable text rather than a binary; the result is a plain WordprocessingML
// package that Word, LibreOffice and OnlyOffice open.
import PizZip from 'pizzip';

/** The fields a tender template may use (what the tenders area fills). */
export const TEMPLATE_FIELDS = ['comune', 'titolo', 'oggetto', 'categoria', 'procedura', 'importo', 'cig', 'cup', 'cpv', 'fornitore', 'fornitoreCf', 'ragioni', 'requisiti', 'rup', 'lettera', 'data'] as const;

type Para = { text: string; bold?: boolean; center?: boolean; size?: number };

const PARAGRAPHS: Para[] = [
  { text: 'COMUNE DI {comune}', bold: true, center: true, size: 28 },
  { text: 'DETERMINAZIONE A CONTRARRE E DI AFFIDAMENTO DIRETTO N. ____ DEL ____', bold: true, center: true },
  { text: 'Oggetto: {titolo} — decisione di contrarre e affidamento diretto ai sensi dell’art. 50, comma 1, lettera {lettera}) del D.Lgs. 36/2023.', bold: true },
  { text: '{#cig}' },
  { text: 'CIG: {cig}' },
  { text: '{/cig}' },
  { text: '{#cup}' },
  { text: 'CUP: {cup}' },
  { text: '{/cup}' },
  { text: 'IL RESPONSABILE DEL SERVIZIO', bold: true, center: true },
  { text: 'Premesso che il Comune di {comune} intende affidare un contratto di {categoria} avente per oggetto: {oggetto}' },
  { text: 'Visto l’art. 17, comma 2, del D.Lgs. 36/2023, per cui in caso di affidamento diretto la decisione di contrarre individua l’oggetto, l’importo e il contraente, unitamente alle ragioni della sua scelta, ai requisiti di carattere generale e, se necessari, a quelli inerenti alla capacità economico-finanziaria e tecnico-professionale;' },
  { text: 'Visto l’art. 50, comma 1, lettera {lettera}), del D.Lgs. 36/2023, che consente l’affidamento diretto sotto le soglie ivi indicate, anche senza consultazione di più operatori economici;' },
  { text: 'Dato atto che il Responsabile unico del progetto (art. 15 del D.Lgs. 36/2023) è {rup};' },
  { text: 'Considerate le ragioni della scelta del contraente: {ragioni}' },
  { text: 'Accertato il possesso dei requisiti: {requisiti}' },
  { text: 'DETERMINA', bold: true, center: true },
  { text: '1. di affidare direttamente, ai sensi dell’art. 50, comma 1, lettera {lettera}), del D.Lgs. 36/2023, l’oggetto sopra indicato all’operatore economico {fornitore}{#fornitoreCf} (C.F./P. IVA {fornitoreCf}){/fornitoreCf}, per l’importo di {importo} oltre IVA;' },
  { text: '2. di dare atto che il contratto sarà stipulato mediante corrispondenza secondo l’uso commerciale, ai sensi dell’art. 18, comma 1, del D.Lgs. 36/2023, entro 30 giorni dall’aggiudicazione;' },
  { text: '3. di pubblicare il presente atto nella sezione Amministrazione trasparente, ai sensi dell’art. 28 del D.Lgs. 36/2023.' },
  { text: 'Procedura: {procedura}. Data di predisposizione: {data}.' },
  { text: 'Il Responsabile unico del progetto' },
  { text: '{rup}' },
  { text: 'Documento firmato digitalmente ai sensi del D.Lgs. 82/2005 e norme collegate.' },
];

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function paragraph(p: Para): string {
  const pPr = p.center ? '<w:pPr><w:jc w:val="center"/></w:pPr>' : '';
  const rPr = p.bold || p.size ? `<w:rPr>${p.bold ? '<w:b/>' : ''}${p.size ? `<w:sz w:val="${p.size}"/>` : ''}</w:rPr>` : '';
  return `<w:p>${pPr}<w:r>${rPr}<w:t xml:space="preserve">${xml(p.text)}</w:t></w:r></w:p>`;
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** The demo template as a DOCX file. */
export function demoDeterminaDocx(): Buffer {
  const zip = new PizZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>',
  );
  zip.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  zip.file('word/_rels/document.xml.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>');
  zip.file(
    'word/styles.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="${W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="24"/><w:lang w:val="it-IT"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="276" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults></w:styles>`,
  );
  zip.file(
    'word/document.xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${PARAGRAPHS.map(paragraph).join('')}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1134" w:bottom="1134" w:left="1134" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>`,
  );
  return zip.generate({ type: 'nodebuffer', compression: 'DEFLATE' });
}
