// Shared resources (database, browser) are started on first use and stopped once at the end.
const stoppers: Array<() => Promise<void>> = [];

export function onShutdown(stop: () => Promise<void>): void {
  stoppers.push(stop);
}

export async function stopSharedResources(): Promise<void> {
  while (stoppers.length) {
    const stop = stoppers.pop()!;
    try {
      await stop();
    } catch (err) {
      console.error('test shutdown:', err);
    }
  }
}
