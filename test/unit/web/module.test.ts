import { expect } from 'chai';
import type { Platform } from '../../../src/platform/context.js';
import { createRegistry, type AppModule } from '../../../src/web/module.js';

describe('web/module: the registry handed to the areas', () => {
  const platform = {} as Platform;
  const viewer = { userId: 1, email: 'a@example.org', name: 'A', role: 'member' as const, entityId: 7, ip: null };
  const modules: AppModule[] = [
    { name: 'b', nav: [{ labelKey: 'nav.b', href: '/b', order: 20 }], footerLinks: [{ label: 'B', href: '/b.csv' }], homeCards: async () => [{ title: 'B', text: '', href: '/b', linkLabel: 'b' }] },
    { name: 'none' },
    {
      name: 'a',
      nav: [{ labelKey: 'nav.a', href: '/a', order: 10 }],
      homeCards: async (_p, v) => [{ title: `A for ${v?.entityId}`, text: '', href: '/a', linkLabel: 'a' }],
      entityPanels: async (_p, _v, entityId) => [{ view: 'a/panel', locals: { entityId } }],
    },
  ];
  const registry = createRegistry(modules);

  it('builds the menu in order and the footer links in area order', () => {
    expect(registry.nav.map((n) => n.href)).to.deep.equal(['/a', '/b']);
    expect(registry.footerLinks).to.deep.equal([{ label: 'B', href: '/b.csv' }]);
    expect(registry.modules.map((m) => m.name)).to.deep.equal(['b', 'none', 'a']);
  });

  it('asks every area for home cards and body panels, in area order, skipping areas without the hook', async () => {
    expect((await registry.homeCards(platform, viewer)).map((c) => c.title)).to.deep.equal(['B', 'A for 7']);
    expect(await registry.entityPanels(platform, viewer, 42)).to.deep.equal([{ view: 'a/panel', locals: { entityId: 42 } }]);
  });
});
