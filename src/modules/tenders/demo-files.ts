// Small but real files for the demo data: a one-page PDF, and a CAdES-like .p7m envelope around it
// (CMS SignedData in DER: accepted by the upload check, opened by signature verifiers as a
// signed-data container — the demo carries no actual signature).

function latin1Safe(s: string): string {
  return s
    .replace(/[’‘]/g, "'")
    .replace(/[“”«»]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/€/g, 'EUR')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

const pdfText = (s: string) => latin1Safe(s).replace(/[\\()]/g, (c) => `\\${c}`);

/** A valid one-page A4 PDF with a title and some lines of text (Helvetica, WinAnsi). */
export function demoPdf(title: string, lines: string[] = []): Buffer {
  const body = [
    'BT',
    '/F1 16 Tf',
    '72 770 Td',
    `(${pdfText(title)}) Tj`,
    '/F1 11 Tf',
    '0 -28 Td',
    ...lines.flatMap((l) => [`(${pdfText(l)}) Tj`, '0 -16 Td']),
    'ET',
  ].join('\n');
  const content = Buffer.from(body, 'latin1');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0].length;
  const push = (b: Buffer) => {
    parts.push(b);
    length += b.length;
  };
  objects.forEach((o, i) => {
    offsets.push(length);
    push(Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`, 'latin1'));
  });
  offsets.push(length);
  push(Buffer.concat([Buffer.from(`5 0 obj\n<< /Length ${content.length} >>\nstream\n`, 'latin1'), content, Buffer.from('\nendstream\nendobj\n', 'latin1')]));
  const xrefAt = length;
  const xref = ['xref', `0 ${offsets.length + 1}`, '0000000000 65535 f ', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `), 'trailer', `<< /Size ${offsets.length + 1} /Root 1 0 R >>`, 'startxref', String(xrefAt), '%%EOF', ''].join('\n');
  push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const der = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);

const OID_SIGNED_DATA = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]);
const OID_DATA = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
// sha256 AlgorithmIdentifier
const SHA256_ALG = der(0x30, Buffer.concat([Buffer.from([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01]), Buffer.from([0x05, 0x00])]));

/** A CMS SignedData envelope (as in a .p7m) that carries `payload`. */
export function demoP7m(payload: Buffer): Buffer {
  const encapsulated = der(0x30, Buffer.concat([OID_DATA, der(0xa0, der(0x04, payload))]));
  const signedData = der(0x30, Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), der(0x31, SHA256_ALG), encapsulated, der(0x31, Buffer.alloc(0))]));
  return der(0x30, Buffer.concat([OID_SIGNED_DATA, der(0xa0, signedData)]));
}
