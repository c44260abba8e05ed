import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const APP = 'app code';
const NODE = 'node itself';

/** The npm package a script URL belongs to, the app, or undefined for Node's own code. */
function packageOf(url: string): string | undefined {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match?.[1] !== undefined) return match[1];
  if (url.includes('/dist/src/') || url.includes('/src/')) return APP;
  return undefined;
}

/**
 * Time per package the app loads directly, from the one .cpuprofile in `directory`, largest
 * first, in ms. Each sample is charged to the OUTERMOST npm package on its stack: loading
 * @azure/identity compiles and runs @azure/msal-node, and all of that is the price of the
 * app's `require('@azure/identity')`, which is the import one would make lazy. Samples with
 * no package on the stack go to the app or to Node itself.
 */
export function loadTimeByPackage(directory: string): { owner: string; ms: number }[] {
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${directory}`);
  const profile = JSON.parse(readFileSync(join(directory, file), 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    let outermost: string | undefined;
    let sawApp = false;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const owner = packageOf(byId.get(at)?.callFrame.url ?? '');
      if (owner === APP) sawApp = true;
      else if (owner !== undefined) outermost = owner;
    }
    const result = outermost ?? (sawApp ? APP : NODE);
    ownerCache.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const owner = ownerOf(id);
    totals.set(owner, (totals.get(owner) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return [...totals.entries()].map(([owner, ms]) => ({ owner, ms })).sort((a, b) => b.ms - a.ms);
}
