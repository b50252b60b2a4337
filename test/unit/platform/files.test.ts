import { expect } from 'chai';
import { cleanFileName, detectFileType } from '../../../src/platform/files.js';

const pdf = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(100)]);
// A CAdES signature envelope: SEQUENCE, then the SignedData OID.
const p7m = Buffer.concat([Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x80]), Buffer.alloc(50)]);

describe('file type detection', () => {
  it('accepts a PDF whatever its name', async () => {
    expect(await detectFileType(pdf, 'verbale.pdf')).to.deep.equal({ mime: 'application/pdf', label: 'PDF' });
    expect((await detectFileType(pdf, 'senza-estensione'))?.mime).to.equal('application/pdf');
  });

  it('refuses executables renamed to .pdf', async () => {
    expect(await detectFileType(exe, 'determina.pdf')).to.equal(null);
    expect(await detectFileType(elf, 'capitolato.pdf')).to.equal(null);
    expect(await detectFileType(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'script.pdf')).to.equal(null);
  });

  it('accepts CSV only when it is text', async () => {
    expect((await detectFileType(Buffer.from('a;b\n1;2\n'), 'dati.csv'))?.mime).to.equal('text/csv');
    expect(await detectFileType(Buffer.from([0x61, 0x00, 0x62]), 'dati.csv')).to.equal(null);
    expect(await detectFileType(Buffer.from([0xff, 0xfe, 0xc3, 0x28]), 'dati.csv')).to.equal(null);
  });

  it('accepts signed .p7m envelopes and refuses empty files', async () => {
    expect((await detectFileType(p7m, 'contratto.pdf.p7m'))?.label).to.equal('P7M');
    expect(await detectFileType(Buffer.alloc(0), 'vuoto.pdf')).to.equal(null);
  });

  it('never keeps a path in a file name', () => {
    expect(cleanFileName('../../etc/passwd')).to.equal('passwd');
    expect(cleanFileName('C:\\Users\\x\\"nota".pdf')).to.equal('nota.pdf');
    expect(cleanFileName('\u0000')).to.equal('file');
  });
});
