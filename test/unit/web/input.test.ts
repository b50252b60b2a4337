import { expect } from 'chai';
import { idParam } from '../../../src/web/http.js';
import { parseQuery, withoutControlCharacters } from '../../../src/web/input.js';

describe('web input: ids and control characters', () => {
  it('reads ids made of decimal digits only', () => {
    expect(idParam('16')).to.equal(16);
    expect(idParam('007')).to.equal(7);
    for (const bad of ['0x10', '1e3', ' 7', '7 ', '+7', '-7', '7.0', '0', '', '2147483648', '99999999999', '٣']) expect(idParam(bad), bad).to.equal(-1);
  });

  it('drops control characters other than tab, CR and LF from every string of a form or a query', () => {
    expect(withoutControlCharacters({ a: 'x\u0000y', b: ['\u0001z\u007f', 'riga\r\nnuova\tcolonna'], c: '\u000bvt' })).to.deep.equal({ a: 'xy', b: ['z', 'riga\r\nnuova\tcolonna'], c: 'vt' });
    expect(parseQuery('q=a%00b&tag=x&tag=%1Fy')).to.deep.equal({ q: 'ab', tag: ['x', 'y'] });
  });
});
