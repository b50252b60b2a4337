import { isBodyUser, isStaff } from '../../platform/actor.js';
import { formatters } from '../../platform/format.js';
import { msg } from '../../platform/messages.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { canSeeBodyCoaching } from './policy.js';
import { coachingRouter } from './routes.js';
import { OBLIGATION_REMINDER_JOB, sendObligationReminders } from './obligations.js';
import { seedCoaching } from './seed.js';
import { bodyOverview, homeData } from './overview.js';

export const coachingModule: AppModule = {
  name: 'coaching',
  router: coachingRouter,
  nav: [{ labelKey: 'nav.coaching', href: '/affiancamento', order: 38, visible: (v) => isStaff(v) || isBodyUser(v) }],
  seed: seedCoaching,
  // Every morning: the RTD of each body is reminded of the obligations due within the configured days.
  // (A job sent with { today, entityIds } runs for those bodies on that day: the tests' own.)
  jobs: (platform) => [
    {
      name: OBLIGATION_REMINDER_JOB,
      cron: '23 7 * * *',
      handler: async (data: { today?: string; entityIds?: number[] }) => void (await sendObligationReminders(platform, { today: data?.today, entityIds: data?.entityIds })),
    },
  ],
  homeCards: async (platform, viewer) => {
    const cards: HomeCard[] = [];
    if (isBodyUser(viewer)) {
      const d = await homeData(platform, viewer!);
      const first = d.actions[0];
      cards.push({
        title: 'coaching:home.title',
        text: msg('coaching:home.text', {
          action: first ? msg('coaching:home.nextAction', { title: first.title, date: first.due_on ? formatters.date(first.due_on) : '—' }) : msg('coaching:home.noActions'),
          session: d.next ? msg('coaching:home.nextSession', { date: formatters.dateTime(d.next.startsAt) }) : msg('coaching:home.noSession'),
        }),
        href: `/affiancamento/${viewer!.entityId}`,
        linkLabel: 'coaching:home.link',
        icon: 'it-check-circle',
        count: d.actions.length,
      });
    } else if (isStaff(viewer)) {
      cards.push({ title: 'coaching:home.staffTitle', text: 'coaching:home.staffText', href: '/affiancamento', linkLabel: 'coaching:home.staffLink', icon: 'it-check-circle' });
    }
    return cards;
  },
  entityPanels: async (platform, viewer, entityId) => {
    if (!canSeeBodyCoaching(viewer, entityId)) return [];
    const data = await bodyOverview(platform, viewer, entityId);
    return [{ view: 'coaching/entity-panel', locals: { coaching: { entityId, last: data.last, progress: data.plan.progress, overdue: data.plan.overdue, next: data.next } } }];
  },
};
