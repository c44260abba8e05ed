import type { SimFault, SimRoute } from './types';

/** What the injected faults decided for one request. */
export interface FaultDecision {
  /** Sum of every matching latency fault. */
  extraLatencyMs: number;
  /** The first matching non-latency fault, if any: it replaces the normal answer. */
  action: Exclude<SimFault, { kind: 'latency' }> | undefined;
}

interface QueuedFault {
  fault: SimFault;
  /** Remaining uses; Infinity for a latency fault without a count. */
  remaining: number;
}

/**
 * Faults queued by tests, consumed in injection order. Latency faults add to each matching
 * request (they combine with anything else); of the other faults only the first matching one
 * applies to a request, and each use counts down its `count`.
 */
export class FaultQueue {
  private queue: QueuedFault[] = [];

  inject(fault: SimFault): void {
    const remaining = fault.kind === 'latency' ? (fault.count ?? Infinity) : fault.count;
    if (remaining > 0) this.queue.push({ fault, remaining });
  }

  clear(): void {
    this.queue = [];
  }

  take(route: SimRoute): FaultDecision {
    const decision: FaultDecision = { extraLatencyMs: 0, action: undefined };
    for (const entry of this.queue) {
      const filter = entry.fault.route ?? 'any';
      if (filter !== 'any' && filter !== route) continue;
      if (entry.fault.kind === 'latency') {
        decision.extraLatencyMs += entry.fault.extraMs;
        entry.remaining -= 1;
      } else if (decision.action === undefined) {
        decision.action = entry.fault;
        entry.remaining -= 1;
      }
    }
    this.queue = this.queue.filter((entry) => entry.remaining > 0);
    return decision;
  }
}
