// The home page card: the upcoming sessions open for registration, and one's own next ones.
import { QueryTypes } from 'sequelize';
import type { Viewer } from '../../platform/actor.js';
import type { Platform } from '../../platform/context.js';
import { msg } from '../../platform/messages.js';
import type { HomeCard } from '../../web/module.js';

export async function trainingHomeCards(platform: Platform, viewer: Viewer): Promise<HomeCard[]> {
  const [{ open, mine }] = await platform.sequelize.query<{ open: string; mine: string }>(
    `SELECT (SELECT count(*) FROM training_sessions s JOIN training_cycles c ON c.id = s.cycle_id WHERE c.state = 'published' AND s.state = 'scheduled' AND s.starts_at > now()) AS open,
            (SELECT count(*) FROM training_registrations r JOIN training_sessions s ON s.id = r.session_id WHERE r.user_id = :userId AND r.state IN ('confirmed','waiting','offered') AND s.starts_at > now()) AS mine`,
    { replacements: { userId: viewer?.userId ?? 0 }, type: QueryTypes.SELECT },
  );
  if (viewer && Number(mine) > 0) {
    return [{ title: 'training:home.mineTitle', text: msg('training:home.mineText', { count: Number(mine) }), href: '/formazione/miei', linkLabel: 'training:home.mineLink', icon: 'it-calendar', count: Number(mine) }];
  }
  return [{ title: 'training:home.title', text: msg('training:home.text', { count: Number(open) }), href: '/formazione', linkLabel: 'training:home.link', icon: 'it-calendar', count: Number(open) }];
}
