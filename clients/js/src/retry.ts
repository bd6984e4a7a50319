/** How long to wait between reconnects: doubling from `initialDelayMs` up to `maxDelayMs`. */
export interface ReconnectOptions {
  /** The first wait; default 250 ms. */
  initialDelayMs?: number;
  /** The longest wait; default 10 s. */
  maxDelayMs?: number;
}

/**
 * The wait before reconnect attempt `attempt` (0 for the first): exponential, with jitter so
 * that clients dropped together (a server restart) do not come back together.
 *
 * @internal
 */
export function backoffDelay(attempt: number, options: ReconnectOptions = {}): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. @internal */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const aborted = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}
