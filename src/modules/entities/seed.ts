// Demo bodies: the CIT of Lecce (lead), Brescia (cedent), the reusing bodies and small comuni of the
// Provincia di Lecce. IPA codes follow IndicePA's pattern (c_ + cadastral code for comuni).
import type { Platform } from '../../platform/context.js';
import { Entity, type EntityKind, type MembershipStatus } from './models.js';

type SeedEntity = {
  ipaCode: string;
  name: string;
  kind: EntityKind;
  provinceCode: string;
  region: string;
  population: number;
  istatCode?: string;
  fiscalCode?: string;
  joinedOn?: string;
  conventionExpiresOn?: string;
  membershipStatus?: MembershipStatus;
  isLead?: boolean;
  isCedent?: boolean;
  website?: string;
};

export const DEMO_ENTITIES: SeedEntity[] = [
  { ipaCode: 'c_e506', name: 'Comune di Lecce', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 94_773, istatCode: '075035', fiscalCode: '80008510754', joinedOn: '2023-03-01', conventionExpiresOn: '2028-02-29', isLead: true, website: 'https://www.comune.lecce.it' },
  { ipaCode: 'p_bs', name: 'Provincia di Brescia', kind: 'provincia', provinceCode: 'BS', region: 'Lombardia', population: 1_253_993, fiscalCode: '80008750178', joinedOn: '2023-03-01', conventionExpiresOn: '2028-02-29', isCedent: true, website: 'https://www.provincia.brescia.it' },
  { ipaCode: 'p_le', name: 'Provincia di Lecce', kind: 'provincia', provinceCode: 'LE', region: 'Puglia', population: 767_250, fiscalCode: '80000840753', joinedOn: '2023-04-15', conventionExpiresOn: '2028-04-14' },
  { ipaCode: 'p_ge', name: 'Città metropolitana di Genova', kind: 'citta_metropolitana', provinceCode: 'GE', region: 'Liguria', population: 816_916, fiscalCode: '80007350103', joinedOn: '2023-06-01', conventionExpiresOn: '2028-05-31' },
  { ipaCode: 'c_g942', name: 'Comune di Potenza', kind: 'comune', provinceCode: 'PZ', region: 'Basilicata', population: 64_786, istatCode: '076063', fiscalCode: '00127040764', joinedOn: '2023-07-10', conventionExpiresOn: '2028-07-09' },
  { ipaCode: 'c_a509', name: 'Comune di Avellino', kind: 'comune', provinceCode: 'AV', region: 'Campania', population: 52_518, istatCode: '064008', fiscalCode: '00184530640', joinedOn: '2023-09-01', conventionExpiresOn: '2028-08-31' },
  { ipaCode: 'c_m403', name: 'Comune di Corigliano-Rossano', kind: 'comune', provinceCode: 'CS', region: 'Calabria', population: 74_147, istatCode: '078157', fiscalCode: '03638910782', joinedOn: '2024-01-15', conventionExpiresOn: '2029-01-14' },
  { ipaCode: 'c_h642', name: 'Comune di Russi', kind: 'comune', provinceCode: 'RA', region: 'Emilia-Romagna', population: 12_357, istatCode: '039016', fiscalCode: '00246880397', joinedOn: '2024-02-01', conventionExpiresOn: '2029-01-31', isCedent: true },
  { ipaCode: 'c_d862', name: 'Comune di Galatina', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 25_941, istatCode: '075029', fiscalCode: '80009890759', joinedOn: '2024-03-01', conventionExpiresOn: '2029-02-28' },
  { ipaCode: 'c_g188', name: 'Comune di Otranto', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 5_521, istatCode: '075057', fiscalCode: '83001270752', joinedOn: '2024-03-01', conventionExpiresOn: '2029-02-28' },
  { ipaCode: 'c_c336', name: 'Comune di Castro', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 2_368, istatCode: '075096', fiscalCode: '81001670751', joinedOn: '2024-04-02', conventionExpiresOn: '2029-04-01' },
  { ipaCode: 'c_i887', name: 'Comune di Specchia', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 4_587, istatCode: '075078', fiscalCode: '81001910751', joinedOn: '2024-04-02', conventionExpiresOn: '2029-04-01' },
  { ipaCode: 'c_e815', name: 'Comune di Maglie', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 13_954, istatCode: '075039', fiscalCode: '83000810756', joinedOn: '2024-05-06', conventionExpiresOn: '2029-05-05' },
  { ipaCode: 'c_f101', name: 'Comune di Melpignano', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 2_144, istatCode: '075044', fiscalCode: '83001150756', joinedOn: '2024-05-06', conventionExpiresOn: '2029-05-05' },
  { ipaCode: 'c_b413', name: 'Comune di Calimera', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 6_761, istatCode: '075012', fiscalCode: '80010390757', joinedOn: '2024-06-03', conventionExpiresOn: '2029-06-02' },
  { ipaCode: 'c_e979', name: 'Comune di Martano', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 8_814, istatCode: '075041', fiscalCode: '80009850753', joinedOn: '2024-06-03', conventionExpiresOn: '2029-06-02' },
  { ipaCode: 'c_i800', name: 'Comune di Soleto', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 5_238, istatCode: '075076', fiscalCode: '80010730754', joinedOn: '2024-09-16', conventionExpiresOn: '2029-09-15' },
  { ipaCode: 'c_a185', name: 'Comune di Alessano', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 6_103, istatCode: '075003', fiscalCode: '81000990754', joinedOn: '2024-09-16', conventionExpiresOn: '2029-09-15' },
  { ipaCode: 'c_g378', name: 'Comune di Patù', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 1_651, istatCode: '075059', fiscalCode: '81001450758', joinedOn: '2025-01-20', conventionExpiresOn: '2030-01-19' },
  { ipaCode: 'c_d044', name: 'Comune di Corigliano d’Otranto', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 5_667, istatCode: '075021', fiscalCode: '80010370759', membershipStatus: 'prospect' },
  { ipaCode: 'c_l419', name: 'Comune di Tricase', kind: 'comune', provinceCode: 'LE', region: 'Puglia', population: 16_888, istatCode: '075086', fiscalCode: '81001170752', joinedOn: '2023-11-06', conventionExpiresOn: '2025-11-05', membershipStatus: 'suspended' },
];

export async function seedEntities(platform: Platform): Promise<void> {
  await platform.sequelize.transaction(async (transaction) => {
    for (const e of DEMO_ENTITIES) {
      await Entity.findOrCreate({
        where: { ipaCode: e.ipaCode },
        defaults: {
          fiscalCode: null,
          istatCode: null,
          joinedOn: null,
          conventionExpiresOn: null,
          rtdUserId: null,
          email: null,
          website: null,
          membershipStatus: 'active',
          ...e,
        },
        transaction,
      });
    }
  });
}
