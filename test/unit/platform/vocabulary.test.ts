import { expect } from 'chai';
import { ipaKindFrom, pianoTriennaleAction, pianoTriennaleActions, pnrrMeasure, syllabusCompetences } from '../../../src/platform/vocabulary.js';

describe('platform/vocabulary', () => {
  it('reads the Piano Triennale actions for PAs: one row per CAPn.PA.nn code, notes left out', () => {
    const actions = pianoTriennaleActions();
    expect(actions).to.have.length(122);
    expect(new Set(actions.map((a) => a.code)).size).to.equal(actions.length);
    for (const a of actions) expect(a.code).to.match(/^CAP\d\.PA\.\d{2}$/);
    const first = pianoTriennaleAction('cap1.pa.01')!;
    expect(first.chapterNumber).to.equal(1);
    expect(first.chapterTitle).to.equal('Organizzazione e gestione del cambiamento');
    expect(first.result).to.equal('RA1.1.1');
    expect(first.deadline).to.equal('Da marzo 2024');
  });

  it('reads the 11 competences of the Syllabus in 5 areas', () => {
    const competences = syllabusCompetences();
    expect(competences).to.have.length(11);
    expect(new Set(competences.map((c) => c.areaCode)).size).to.equal(5);
    expect(competences[0]).to.deep.equal({ areaCode: '1', area: 'Dati, informazioni e documenti informatici', code: '1.1', competence: 'Gestire dati, informazioni e contenuti digitali' });
  });

  it('finds PNRR measures by code and the kind of a body from IndicePA', () => {
    expect(pnrrMeasure(' 1.4.4 ')?.calls).to.include('Adozione SPID CIE');
    expect(pnrrMeasure('9.9')).to.equal(undefined);
    expect(ipaKindFrom('Comunità Montana del Sebino Bresciano', undefined)).to.equal('comunita_montana');
    expect(ipaKindFrom("Citta' Metropolitana di Genova", undefined)).to.equal('citta_metropolitana');
    expect(ipaKindFrom('Consorzio di bonifica', 'L45')).to.equal('citta_metropolitana');
    expect(ipaKindFrom('Azienda sanitaria', 'X1')).to.equal('altro');
  });
});
