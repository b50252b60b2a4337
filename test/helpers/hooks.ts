// Root hooks: shut down whatever shared test resources were started lazily.
import { stopSharedResources } from './resources.js';

export const mochaHooks = {
  async afterAll() {
    await stopSharedResources();
  },
};
