// Demo training: the weekly webinar cycle for the comuni (10 one-hour sessions, three of them already
// held, with attendance and certificates), the morning workshop for administrators (9:00–14:00, two
// seats per comune until a week before) and a digital-literacy course for citizens in Russi taught
// by volunteers. Dates are relative to the day the demo is loaded.
import { DateTime } from 'luxon';
import type { Platform } from '../../platform/context.js';
import { findPersonByEmail } from '../accounts/index.js';
import { TrainingCycle, TrainingSession } from './models.js';
import { ZONE } from './schemas.js';

export const DEMO_WEBINAR_TITLE = 'Ciclo di webinar per la digitalizzazione dei comuni';
export const DEMO_WORKSHOP_TITLE = 'Laboratorio per amministratori: guidare la trasformazione digitale del comune';
export const DEMO_CITIZENS_TITLE = 'Corso di alfabetizzazione digitale per cittadini a Russi';

const WEBINARS = [
  'Il Piano triennale per l’informatica nella PA 2024-2026: cosa tocca al comune',
  'SPID e CIE: l’accesso ai servizi online del comune',
  'pagoPA: incassi e riconciliazione',
  'App IO: messaggi, pagamenti e servizi ai cittadini',
  'PDND e interoperabilità: gli e-service per i comuni',
  'Il sito comunale secondo il modello di Designers Italia',
  'Migrare al cloud qualificato: dalla scelta al contratto',
  'Sicurezza informatica di base per gli uffici',
  'Accessibilità: obblighi e dichiarazione ad AgID',
  'Il documento informatico, la firma e la conservazione',
];

const CITIZEN_LESSONS = ['Usare lo smartphone con sicurezza', 'SPID: attivarlo e usarlo', 'Pagare con pagoPA e App IO', 'Il fascicolo sanitario elettronico'];

export async function seedTraining(platform: Platform): Promise<void> {
  const staff = await findPersonByEmail('staff@cithub.example');
  const today = DateTime.now().setZone(ZONE).startOf('day');
  await platform.sequelize.transaction(async (transaction) => {
    const [webinars, created] = await TrainingCycle.findOrCreate({
      where: { title: DEMO_WEBINAR_TITLE },
      defaults: {
        title: DEMO_WEBINAR_TITLE,
        description:
          'Dieci incontri online di un’ora, uno a settimana, per i dipendenti dei comuni aderenti: le piattaforme nazionali, il sito, il cloud, la sicurezza e i documenti informatici. Ogni incontro è trasmesso in diretta e la registrazione resta disponibile agli iscritti.',
        audience: 'staff',
        competences: ['1.1', '1.2', '2.2', '3.1', '4.1', '5.1'],
        level: 'base',
        hours: 10,
        organiser: 'CIT — Centro Innovazione e Tecnologie, Comune di Lecce',
        speakers: 'Marco Quarta, Angela Carrozzo',
        attendancePercent: 80,
        offerHours: 24,
        seatsPerBody: null,
        reservedUntil: null,
        retentionDays: 365,
        state: 'published',
        createdBy: staff?.id ?? null,
      },
      transaction,
    });
    if (created) {
      // Thursdays at 11:00, the first three already held.
      const first = today.minus({ weeks: 3 }).set({ weekday: 4, hour: 11, minute: 0 });
      for (let i = 0; i < WEBINARS.length; i++) {
        await TrainingSession.create(
          { cycleId: webinars.id, title: WEBINARS[i], startsAt: first.plus({ weeks: i }).toJSDate(), durationMinutes: 60, mode: 'online', link: `https://meet.cithub.example/webinar-${i + 1}`, place: null, capacity: 150, speakerUserId: staff?.id ?? null },
          { transaction },
        );
      }
    }
    await TrainingCycle.findOrCreate({
      where: { title: DEMO_WORKSHOP_TITLE },
      defaults: {
        title: DEMO_WORKSHOP_TITLE,
        description:
          'Una mattinata di lavoro per sindaci e assessori: le scelte che spettano alla giunta, il ruolo del Responsabile per la transizione al digitale, i fondi del PNRR e come leggere lo stato del proprio comune. Due posti per comune fino a una settimana prima, poi i posti liberi vanno alla lista d’attesa.',
        audience: 'administrators',
        competences: ['5.1', '5.2'],
        level: 'base',
        hours: 5,
        organiser: 'CIT — Centro Innovazione e Tecnologie, Comune di Lecce',
        speakers: 'Angela Carrozzo',
        attendancePercent: 80,
        offerHours: 24,
        seatsPerBody: 2,
        reservedUntil: today.plus({ days: 14 }).toISODate()!,
        retentionDays: 365,
        state: 'published',
        createdBy: staff?.id ?? null,
      },
      transaction,
    }).then(async ([workshop, made]) => {
      if (!made) return;
      await TrainingSession.create(
        { cycleId: workshop.id, title: 'Laboratorio in presenza', startsAt: today.plus({ days: 21 }).set({ hour: 9, minute: 0 }).toJSDate(), durationMinutes: 300, mode: 'presence', link: null, place: 'Lecce, Palazzo Carafa, sala consiliare — via Rubichi 16', capacity: 40, speakerUserId: null },
        { transaction },
      );
    });
    await TrainingCycle.findOrCreate({
      where: { title: DEMO_CITIZENS_TITLE },
      defaults: {
        title: DEMO_CITIZENS_TITLE,
        description:
          'Quattro incontri gratuiti di due ore nella biblioteca comunale, tenuti dai volontari del punto di facilitazione digitale: lo smartphone, SPID, i pagamenti e il fascicolo sanitario. Per iscriversi bastano il nome e un indirizzo email.',
        audience: 'citizens',
        competences: ['1.1', '2.1', '4.1'],
        level: 'base',
        hours: 8,
        organiser: 'Comune di Russi — Punto di facilitazione digitale',
        speakers: 'Volontari del punto di facilitazione',
        attendancePercent: 75,
        offerHours: 48,
        seatsPerBody: null,
        reservedUntil: null,
        retentionDays: 90,
        state: 'published',
        createdBy: staff?.id ?? null,
      },
      transaction,
    }).then(async ([course, made]) => {
      if (!made) return;
      const first = today.plus({ days: 10 }).set({ hour: 17, minute: 0 });
      for (let i = 0; i < CITIZEN_LESSONS.length; i++) {
        await TrainingSession.create(
          { cycleId: course.id, title: CITIZEN_LESSONS[i], startsAt: first.plus({ weeks: i }).toJSDate(), durationMinutes: 120, mode: 'presence', link: null, place: 'Biblioteca comunale di Russi, via Godo Vecchia 10', capacity: 15, speakerUserId: null },
          { transaction },
        );
      }
    });
  });
}
