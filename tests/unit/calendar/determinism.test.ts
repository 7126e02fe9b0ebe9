import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

/** The modules a file imports at run time (type-only imports are erased), as paths from ROOT. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...source.matchAll(/^(?:import|export)(?!\s+type\s)[^;]*?from\s+'([^']+)'/gms)].map(
    (match) => match[1]!,
  );
  return specifiers.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), s)) : s));
}

/** Every module workflow code reaches at run time, following relative imports. */
function reachableFromWorkflows(): Set<string> {
  const seen = new Set<string>();
  const queue = readdirSync(join(ROOT, 'workflows'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `workflows/${f}`);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.ts')) queue.push(...runtimeImports(file));
  }
  return seen;
}

describe('dates are computed deterministically, and never in workflow code', () => {
  it('no workflow module reaches the calendar, the schedule preview or the holiday library: deadlines come from activities and the API', () => {
    const reached = reachableFromWorkflows();
    // The scanner follows imports: the workflow takes MILESTONES from domain/schedule.ts.
    expect(reached.has('domain/schedule.ts')).toBe(true);
    for (const banned of ['domain/calendar.ts', 'domain/schedule-preview.ts', 'date-holidays']) {
      expect(reached.has(banned), banned).toBe(false);
    }
  });

  it.each(['domain/calendar.ts', 'domain/atw.ts', 'domain/schedule.ts', 'domain/schedule-preview.ts'])(
    '%s reads no clock and draws no random number',
    (file) => {
      const source = readFileSync(join(ROOT, file), 'utf8');
      expect(source).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random|performance\.now|process\./);
    },
  );
});
