import { expect } from 'chai';
import { z } from 'zod';
import { form, isoDay } from '../../../src/platform/validation.js';

describe('dates typed by people', () => {
  it('takes what a date input sends and the Italian gg/mm/aaaa a person types in a plain text box', () => {
    expect(isoDay('2026-12-31')).to.equal('2026-12-31');
    expect(isoDay('31/12/2026')).to.equal('2026-12-31');
    expect(isoDay('1/3/2027')).to.equal('2027-03-01');
    expect(isoDay('01.03.2027')).to.equal('2027-03-01');
  });

  it('refuses days that do not exist and other shapes', () => {
    for (const bad of ['2026-02-30', '30/02/2026', '12/31/2026', '2026/12/31', '31-12-26', 'domani', '']) expect(isoDay(bad), bad).to.equal(null);
  });

  it('gives the form a YYYY-MM-DD value, or the Italian message that names the expected format', () => {
    const schema = z.object({ on: form.optionalDate() });
    expect(schema.parse({ on: '05/06/2027' }).on).to.equal('2027-06-05');
    const failed = schema.safeParse({ on: '30/02/2026' });
    expect(failed.success).to.equal(false);
  });
});
