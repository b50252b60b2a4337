import { expect } from 'chai';
import { messageTranslator } from '../../../src/platform/i18n.js';
import { MAX_CENTS, MONEY_ERRORS, centsToAmount, formatCents, parseEuroToCents } from '../../../src/modules/tenders/money.js';

function cents(input: string): number {
  const r = parseEuroToCents(input);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(input)} to parse, got: ${r.error}`);
  return r.cents;
}

function error(input: string): string {
  const r = parseEuroToCents(input);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${r.cents}`);
  return r.error;
}

describe('tenders/money', () => {
  describe('parseEuroToCents', () => {
    it('reads the Italian form with thousands dots and decimal comma', () => {
      expect(cents('1.234.567,89')).to.equal(123_456_789);
      expect(cents('1.234,5')).to.equal(123_450);
      expect(cents('0,01')).to.equal(1);
    });

    it('reads plain forms with a comma or a dot as decimal separator', () => {
      expect(cents('1234567,89')).to.equal(123_456_789);
      expect(cents('1234567.89')).to.equal(123_456_789);
      expect(cents('140000')).to.equal(14_000_000);
      expect(cents('12.5')).to.equal(1250);
      expect(cents('0.5')).to.equal(50);
    });

    it('reads a lone dot before three digits as thousands ("140.000")', () => {
      expect(cents('140.000')).to.equal(14_000_000);
      expect(cents('1.234')).to.equal(123_400);
      expect(cents('5.404.000')).to.equal(540_400_000);
    });

    it('accepts the euro sign or word and spaces around and inside', () => {
      expect(cents('€ 140.000')).to.equal(14_000_000);
      expect(cents('140.000 €')).to.equal(14_000_000);
      expect(cents('€140.000,00')).to.equal(14_000_000);
      expect(cents('EUR 1.000')).to.equal(100_000);
      expect(cents('1.000 euro')).to.equal(100_000);
      expect(cents('  1 234 567,89  ')).to.equal(123_456_789);
      expect(cents('1\u00a0234,00')).to.equal(123_400);
    });

    it('reads the English grouping when both separators appear', () => {
      expect(cents('1,234,567.89')).to.equal(123_456_789);
    });

    it('accepts zero', () => {
      expect(cents('0')).to.equal(0);
      expect(cents('0,00')).to.equal(0);
    });

    it('refuses an empty input', () => {
      expect(error('')).to.equal(MONEY_ERRORS.empty);
      expect(error('   ')).to.equal(MONEY_ERRORS.empty);
      expect(error('€')).to.equal(MONEY_ERRORS.empty);
    });

    it('refuses what is not a number', () => {
      for (const input of ['abc', '12a', '1e5', '1,2,3', '1..2', '12.34.5', '1.23.456', ',50', '5,', '+5', '1 23', '12-3']) {
        expect(error(input), input).to.equal(MONEY_ERRORS.notANumber);
      }
    });

    it('refuses negative amounts', () => {
      expect(error('-5')).to.equal(MONEY_ERRORS.negative);
      expect(error('-1.234,56')).to.equal(MONEY_ERRORS.negative);
      expect(error('€ -140.000')).to.equal(MONEY_ERRORS.negative);
      expect(error('-€ 10')).to.equal(MONEY_ERRORS.negative);
    });

    it('refuses fractions of a cent', () => {
      expect(error('1,234')).to.equal(MONEY_ERRORS.fractionalCents);
      expect(error('10,001')).to.equal(MONEY_ERRORS.fractionalCents);
      expect(error('1234.567')).to.equal(MONEY_ERRORS.fractionalCents);
      expect(error('1.234,567')).to.equal(MONEY_ERRORS.fractionalCents);
    });

    it('accepts up to € 10 miliardi and refuses more', () => {
      expect(cents('10.000.000.000')).to.equal(MAX_CENTS);
      expect(error('10.000.000.000,01')).to.equal(MONEY_ERRORS.tooLarge);
      expect(error('99999999999999999999999')).to.equal(MONEY_ERRORS.tooLarge);
    });

    it('gives its errors as messages read in Italian or English', () => {
      const it = messageTranslator('it');
      const en = messageTranslator('en');
      expect(it(error('abc'))).to.match(/importo/i);
      expect(it(error('-1'))).to.match(/negativo/);
      expect(en(error('-1'))).to.equal('the amount cannot be negative.');
    });
  });

  describe('formatCents', () => {
    it('formats in the Italian way with the euro sign first', () => {
      expect(formatCents(123_456_789)).to.equal('€ 1.234.567,89');
      expect(formatCents(14_000_000)).to.equal('€ 140.000,00');
      expect(formatCents(123_450)).to.equal('€ 1.234,50');
      expect(formatCents(5)).to.equal('€ 0,05');
      expect(formatCents(0)).to.equal('€ 0,00');
      expect(formatCents(-150)).to.equal('€ -1,50');
    });

    it('round-trips with parseEuroToCents', () => {
      for (const value of [0, 1, 99, 100, 123_450, 14_000_000, 123_456_789, MAX_CENTS]) {
        expect(cents(formatCents(value))).to.equal(value);
      }
    });

    it('refuses non-integer cents', () => {
      expect(() => formatCents(1.5)).to.throw(RangeError);
      expect(() => formatCents(Number.NaN)).to.throw(RangeError);
    });
  });

  describe('centsToAmount', () => {
    it('gives exact decimal euros', () => {
      expect(centsToAmount(123_456_789)).to.equal(1234567.89);
      expect(JSON.stringify(centsToAmount(123_456_789))).to.equal('1234567.89');
      expect(JSON.stringify(centsToAmount(10))).to.equal('0.1');
      expect(JSON.stringify(centsToAmount(30))).to.equal('0.3');
      expect(JSON.stringify(centsToAmount(27_950_050))).to.equal('279500.5');
      expect(centsToAmount(0)).to.equal(0);
      expect(centsToAmount(-150)).to.equal(-1.5);
    });

    it('never shows float noise over a range of values', () => {
      for (let c = 0; c < 100_000; c += 7) {
        const text = JSON.stringify(centsToAmount(c));
        expect(text).to.match(/^\d+(\.\d{1,2})?$/);
      }
    });
  });
});
