import { describe, expect, it } from 'vitest';
import { escapeForTerminal } from '../../../runtime/cli.ts';

describe('text echoed to a terminal', () => {
  it('control characters become JSON-style escapes', () => {
    expect(escapeForTerminal('a\nb\tc\rd\u0000e\u001b[31mf\u007fg')).toBe(
      'a\\nb\\tc\\rd\\u0000e\\u001b[31mf\\u007fg',
    );
  });

  it('C1 controls, line and paragraph separators and bidi controls are escaped too', () => {
    expect(escapeForTerminal('\u0085\u009b\u2028\u2029\u202e\u202a\u2066\u2069\u200e\u200f\u061c')).toBe(
      '\\u0085\\u009b\\u2028\\u2029\\u202e\\u202a\\u2066\\u2069\\u200e\\u200f\\u061c',
    );
  });

  it('other text, backslashes and non-Latin letters included, is left as it is', () => {
    const text = 'Offer "Zürich-7" \\ 北京 – café 🚀';
    expect(escapeForTerminal(text)).toBe(text);
  });
});
