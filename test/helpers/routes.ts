// The routes of every area, listed from their routers (nested routers included), for the checks that
// must cover every route, including the ones added tomorrow.
import { registry } from '../../src/boot.js';
import { testContext } from './app.js';

type Route = { area: string; method: 'get' | 'post'; path: string };
type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };

/** Every route of every area's router, nested routers included. */
export async function allRoutes(): Promise<Route[]> {
  const { platform } = await testContext();
  const routes: Route[] = [];
  const walk = (area: string, stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method === 'get' || method === 'post') routes.push({ area, method, path: layer.route.path });
      } else if (layer.handle?.stack) walk(area, layer.handle.stack);
    }
  };
  for (const m of registry.modules) if (m.router) walk(m.name, (m.router(platform, registry) as unknown as { stack: Layer[] }).stack);
  return routes;
}
