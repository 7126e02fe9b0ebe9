import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux; clock
 * ticks of 1/100 s).
 */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a sampled frame's code lives: a package, Node itself, or a folder of the project. */
function placeOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:'))
    return url
      .replace(/^node:(internal\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const folder = /\/(api|db|domain|scoring|runtime|workflows|activities)\//.exec(url)?.[1];
  return folder ? `project ${folder}/` : url;
}

/** Self time per place in a V8 CPU profile, largest first, as shares of the non-idle samples. */
export function selfTimeByPlace(profile: CpuProfile): { place: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // The profiler's own stop call (node:inspector) runs on the sampled thread: not the API's work.
  const inInspector = (id: number | undefined): boolean =>
    id !== undefined && (byId.get(id)!.callFrame.url === 'node:inspector' || inInspector(parent.get(id)));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (inInspector(id)) return;
    const place = placeOf(byId.get(id)!);
    totals.set(place, (totals.get(place) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  totals.delete('(idle)');
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  return [...totals.entries()]
    .map(([place, ms]) => ({ place, ms, share: ms / busy }))
    .sort((a, b) => b.ms - a.ms);
}
