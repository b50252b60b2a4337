import { isBodyUser, isStaff } from '../../platform/actor.js';
import type { JobDefinition } from '../../platform/jobs.js';
import { msg } from '../../platform/messages.js';
import { formatters } from '../../platform/format.js';
import type { AppModule, HomeCard } from '../../web/module.js';
import { groupsRouter } from './routes.js';
import { seedGroups } from './seed.js';
import { bodyGroups, countUpcoming, sendActionReminders, upcomingFor } from './service.js';

export const ACTION_REMINDER_JOB = 'groups.action-reminders';

export const groupsModule: AppModule = {
  name: 'groups',
  router: groupsRouter,
  nav: [{ labelKey: 'nav.groups', href: '/tavoli', order: 40, visible: (viewer) => !!viewer }],
  jobs: (platform) => [{ name: ACTION_REMINDER_JOB, cron: '20 7 * * *', handler: async () => void (await sendActionReminders(platform)) }] as JobDefinition<never>[],
  seed: seedGroups,
  homeCards: async (platform, viewer) => {
    if (!viewer) return [];
    const cards: HomeCard[] = [];
    const mine = await upcomingFor(platform, viewer, 1);
    if (mine.length) {
      const next = mine[0];
      cards.push({
        title: 'groups:home.nextTitle',
        text: msg('groups:home.nextText', { group: next.group_name, title: next.title, when: formatters.dateTime(next.starts_at) }),
        href: `/tavoli/sedute/${next.id}`,
        linkLabel: 'groups:home.nextLink',
        icon: 'it-calendar',
      });
    }
    if (isStaff(viewer)) {
      cards.push({ title: 'groups:home.staffTitle', text: 'groups:home.staffText', href: '/tavoli', linkLabel: 'groups:home.listLink', icon: 'it-comment', count: await countUpcoming(platform) });
    } else if (isBodyUser(viewer) && !mine.length) {
      cards.push({ title: 'groups:home.listTitle', text: 'groups:home.listText', href: '/tavoli', linkLabel: 'groups:home.listLink', icon: 'it-comment' });
    }
    return cards;
  },
  entityPanels: async (platform, viewer, entityId) => {
    if (!isStaff(viewer) && !(isBodyUser(viewer) && viewer!.entityId === entityId)) return [];
    const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Europe/Rome' }).format(new Date()));
    const groups = await bodyGroups(platform, entityId, year);
    return [{ view: 'groups/entity-panel', locals: { groupsOfBody: groups, groupsYear: year, groupsEntityId: entityId } }];
  },
};
