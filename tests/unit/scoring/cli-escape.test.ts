import { describe, expect, it } from 'vitest';
import { escapeForTerminal, jsonForTerminal } from '../../../runtime/cli.ts';

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

describe('JSON printed to a terminal', () => {
  const printed = (value: unknown) => jsonForTerminal(value).toString('utf8');

  it('escapes each character that moves, recolours or reorders what a reader sees', () => {
    for (const char of '\u007f\u0080\u0085\u009f\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069') {
      const escaped = `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
      expect(printed({ offerId: `o1${char}x` })).toBe(`{\n  "offerId": "o1${escaped}x"\n}`);
      expect(JSON.parse(printed({ offerId: `o1${char}x` })).offerId).toBe(`o1${char}x`);
    }
  });

  it('leaves other non-ASCII text as it is, neighbours of the escaped characters included', () => {
    const text = 'Zürich – “café” ’s 北京 € ‰ \u00a0\u00c2 ا \u200d\u2027\u202f\u2065\u206a 🚀';
    expect(printed([text])).toBe(`[\n  "${text}"\n]`);
  });

  it('is the JSON text escaped line by line as any other text to be echoed, byte for byte', () => {
    const value = { company: 'A\u202eB\u0085', reasons: ['ok –', '\u2066x\u2069', 'tab\tline\n'] };
    const lines = JSON.stringify(value, null, 2).split('\n');
    expect(printed(value)).toBe(lines.map(escapeForTerminal).join('\n'));
  });
});
