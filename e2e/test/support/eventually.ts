/**
 * Runs `check` until it stops throwing and returns its result; after `timeoutMs`
 * rethrows its last failure. For effects that travel through the broker, whose
 * arrival time is not part of the contract; the deadline only bounds a broken run.
 */
export async function eventually<T>(
  check: () => Promise<T>,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
