import type { SimRequestRecord, SimRoute } from './types';

/** What the simulator saw: every request (no headers, no bodies) and concurrency. */
export class RequestStats {
  readonly requests: SimRequestRecord[] = [];
  private counts = new Map<string, number>();
  inFlight = 0;
  peakConcurrency = 0;

  begin(): void {
    this.inFlight += 1;
    this.peakConcurrency = Math.max(this.peakConcurrency, this.inFlight);
  }

  end(record: SimRequestRecord): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.requests.push(record);
    const key = countKey(record.route, record.status);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  countsByRouteAndStatus(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Clears history; requests still in flight keep counting towards the new peak. */
  reset(): void {
    this.requests.length = 0;
    this.counts = new Map();
    this.peakConcurrency = this.inFlight;
  }
}

function countKey(route: SimRoute, status: number): string {
  return `${route} ${status}`;
}
