/**
 * Retries `attempt` until it resolves or `timeoutMs` passes, then rethrows its last error. For
 * eventually-consistent reads only (a report becoming visible); never for the check itself.
 */
export async function eventually<T>(attempt: () => Promise<T>, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const interval = options.intervalMs ?? 100;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() + interval > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  }
}
