import { expect } from 'chai';
import { measureCode, parseAmount, parseDay, applicationKey } from '../../../src/modules/funding/opendata.js';
import {
  DEFAULT_RULES,
  callState,
  dateOrderErrors,
  eligibleKindsFrom,
  maxAmountFor,
  projectStages,
  rulesOf,
  stateFromOpenData,
  worstLevel,
  type ProjectDates,
} from '../../../src/modules/funding/stages.js';
import { validateCup } from '../../../src/modules/tenders/index.js';

const none: ProjectDates = {
  state: 'funded',
  cup: null,
  admittedOn: null,
  fundedOn: null,
  cupOn: null,
  contractOn: null,
  completedOn: null,
  asseveratedOn: null,
  creOn: null,
  paymentRequestedOn: null,
  paidOn: null,
};

describe('funding: the pure core', () => {
  describe('call state from its dates', () => {
    it('is upcoming before opening, open through the closing day, closed after', () => {
      expect(callState('2026-03-01', '2026-03-31', '2026-02-28')).to.equal('upcoming');
      expect(callState('2026-03-01', '2026-03-31', '2026-03-01')).to.equal('open');
      expect(callState('2026-03-01', '2026-03-31', '2026-03-31')).to.equal('open');
      expect(callState('2026-03-01', '2026-03-31', '2026-04-01')).to.equal('closed');
    });
  });

  describe('state letters of the open data', () => {
    it('maps A, R, E (any case, spaces) and refuses anything else', () => {
      expect(stateFromOpenData('A')).to.equal('funded');
      expect(stateFromOpenData(' r ')).to.equal('renounced');
      expect(stateFromOpenData('E')).to.equal('paid');
      expect(stateFromOpenData('X')).to.equal(null);
      expect(stateFromOpenData('')).to.equal(null);
      expect(stateFromOpenData(undefined)).to.equal(null);
    });
  });

  describe('CUP check', () => {
    it('accepts 15 letters and digits, upper-casing and trimming', () => {
      expect(validateCup(' b51f22008400006 ')).to.deep.equal({ ok: true, value: 'B51F22008400006' });
    });
    it('refuses a wrong length or alphabet with a message', () => {
      const short = validateCup('B51F2200840000');
      expect(short.ok).to.equal(false);
      const odd = validateCup('B51F22-08400006');
      expect(odd.ok).to.equal(false);
      if (!odd.ok) expect(odd.error).to.contain('invalidChars');
    });
  });

  describe('amount rules', () => {
    const base = { amountFixedCents: null, amountPercent: null, amountCapCents: null, amountBands: [] };
    it('fixed, by population band, and a percentage with a cap', () => {
      expect(maxAmountFor({ ...base, amountRule: 'fixed', amountFixedCents: 1_000_000 }, { population: 10 })).to.equal(1_000_000);
      const bands = [{ upTo: null, cents: 300 }, { upTo: 5000, cents: 100 }, { upTo: 20000, cents: 200 }];
      expect(maxAmountFor({ ...base, amountRule: 'population_band', amountBands: bands }, { population: 5000 })).to.equal(100);
      expect(maxAmountFor({ ...base, amountRule: 'population_band', amountBands: bands }, { population: 5001 })).to.equal(200);
      expect(maxAmountFor({ ...base, amountRule: 'population_band', amountBands: bands }, { population: 90000 })).to.equal(300);
      expect(maxAmountFor({ ...base, amountRule: 'population_band', amountBands: bands }, { population: null })).to.equal(null);
      expect(maxAmountFor({ ...base, amountRule: 'percent', amountPercent: 70, amountCapCents: 5_000_000 }, { population: 1 }, 1_000_000)).to.equal(700_000);
      expect(maxAmountFor({ ...base, amountRule: 'percent', amountPercent: 70, amountCapCents: 5_000_000 }, { population: 1 }, 100_000_000)).to.equal(5_000_000);
      expect(maxAmountFor({ ...base, amountRule: 'none' }, { population: 1 })).to.equal(null);
    });
    it('reads the eligible kinds the open data names', () => {
      expect(eligibleKindsFrom('Province;Citta Metropolitane')).to.deep.equal(['provincia', 'citta_metropolitana']);
      expect(eligibleKindsFrom('Comuni')).to.deep.equal(['comune']);
      expect(eligibleKindsFrom('Scuole')).to.deep.equal([]);
    });
  });

  describe('stages and deadlines', () => {
    it('counts each due date from the previous stage: CUP admission + 5, contract decree + 180, completion contract + 180…', () => {
      const stages = projectStages({ ...none, admittedOn: '2026-01-10', fundedOn: '2026-01-10' }, DEFAULT_RULES, '2026-01-11');
      const due = Object.fromEntries(stages.map((s) => [s.key, s.dueOn]));
      expect(due).to.deep.equal({
        cup: '2026-01-15',
        contract: '2026-07-09',
        completion: '2027-01-05',
        asseverazione: '2027-02-04',
        cre: '2027-03-06',
        paymentRequest: '2027-04-05',
        maintenance: '2032-01-05',
      });
      expect(stages[0].level).to.equal('danger');
      expect(stages[0].daysLeft).to.equal(4);
    });
    it('moves the later deadlines when a stage is done late, and honours the call rules', () => {
      const rules = rulesOf({ contractDays: 90, completionDays: 60, bogus: 3, creDays: -1 });
      expect(rules.contractDays).to.equal(90);
      expect(rules.creDays).to.equal(DEFAULT_RULES.creDays);
      const stages = projectStages({ ...none, cup: 'B51F22008400006', fundedOn: '2026-01-10', contractOn: '2026-05-01' }, rules, '2026-05-02');
      expect(stages.find((s) => s.key === 'cup')!.level).to.equal('done');
      expect(stages.find((s) => s.key === 'contract')!.level).to.equal('done');
      expect(stages.find((s) => s.key === 'completion')!.dueOn).to.equal('2026-06-30');
      expect(stages.find((s) => s.key === 'completion')!.level).to.equal('ok');
    });
    it('warns at 30 days, alarms at 15, flags overdue; thresholds are configurable', () => {
      const p = { ...none, cup: 'B51F22008400006', fundedOn: '2026-01-01' }; // contract due 2026-06-30
      const level = (today: string, t = { warningDays: 30, dangerDays: 15 }) => projectStages(p, DEFAULT_RULES, today, t).find((s) => s.key === 'contract')!.level;
      expect(level('2026-05-30')).to.equal('ok');
      expect(level('2026-05-31')).to.equal('warning');
      expect(level('2026-06-15')).to.equal('danger');
      expect(level('2026-06-30')).to.equal('danger');
      expect(level('2026-07-01')).to.equal('overdue');
      expect(level('2026-05-20', { warningDays: 60, dangerDays: 45 })).to.equal('danger');
      expect(worstLevel(projectStages(p, DEFAULT_RULES, '2026-07-01'))).to.equal('overdue');
    });
    it('a paid project has every stage done but the maintenance, 5 years from payment', () => {
      const stages = projectStages({ ...none, state: 'paid', cup: 'B51F22008400006', fundedOn: '2023-03-21', paidOn: '2024-12-19' }, DEFAULT_RULES, '2026-12-01');
      expect(stages.filter((s) => s.key !== 'maintenance').every((s) => s.level === 'done')).to.equal(true);
      const m = stages.find((s) => s.key === 'maintenance')!;
      expect(m.dueOn).to.equal('2029-12-19');
      expect(m.level).to.equal('ok');
    });
    it('a renounced project has no deadline left', () => {
      const stages = projectStages({ ...none, state: 'renounced', fundedOn: '2026-01-01' }, DEFAULT_RULES, '2026-12-01');
      expect(stages.every((s) => s.level === 'none')).to.equal(true);
      expect(worstLevel(stages)).to.equal('none');
    });
    it('refuses a stage dated before the previous one, naming both', () => {
      const errors = dateOrderErrors({ fundedOn: '2026-03-01', contractOn: '2026-02-01', completedOn: '2026-04-01' });
      expect(Object.keys(errors)).to.deep.equal(['contractOn']);
      expect(errors.contractOn).to.contain('funding:error.dateOrder').and.contain('funding:field.fundedOn');
      expect(dateOrderErrors({ fundedOn: '2026-03-01', contractOn: '2026-03-01' })).to.deep.equal({});
    });
  });

  describe('open-data values', () => {
    it('reads both date formats of the files, and Italian days', () => {
      expect(parseDay('2023-08-22')).to.equal('2023-08-22');
      expect(parseDay('2023-06-28T23:31:55.000+0000')).to.equal('2023-06-29'); // past midnight in Rome
      expect(parseDay('22/08/2023')).to.equal('2023-08-22');
      expect(parseDay('')).to.equal(null);
      expect(parseDay('2023-02-30')).to.equal(undefined);
      expect(parseDay('ieri')).to.equal(undefined);
    });
    it('reads amounts as cents without float drift', () => {
      expect(parseAmount('20344.0')).to.equal(2_034_400);
      expect(parseAmount('9506.14')).to.equal(950_614);
      expect(parseAmount('2.373.876,00')).to.equal(237_387_600);
      expect(parseAmount('-5')).to.equal(undefined);
      expect(parseAmount('')).to.equal(null);
    });
    it('takes the measure code and builds the import key with or without a CUP', () => {
      expect(measureCode('1.3.1 Piattaforma Digitale Nazionale Dati')).to.equal('1.3.1');
      expect(measureCode('Altro')).to.equal(null);
      expect(applicationKey('c_h642', 'Avviso', 'B51F22008400006', '2', '152')).to.equal('c_h642|Avviso|B51F22008400006');
      expect(applicationKey('c_g751', 'Avviso', null, '1', '152')).to.equal('c_g751|Avviso|w1|p152');
    });
  });
});
