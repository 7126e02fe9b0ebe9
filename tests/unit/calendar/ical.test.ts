import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { deadlineCalendar } from '../../../domain/ical.ts';

describe('iCalendar text for deadlines (RFC 5545)', () => {
  const now = new Date('2027-03-01T09:00:00Z');

  it('escapes text and folds long lines without splitting a character, and a parser reads it back', () => {
    const summary = `Straße; "Zuid", fase 1\n${'ë'.repeat(60)}`;
    const text = deadlineCalendar(
      'Gemeente, Utrecht',
      [{ uid: 'c.f.submissionsClose@phasegate', at: '2027-04-02T10:00:00.000Z', summary, sequence: 2 }],
      now,
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    const [event] = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent');
    const parsed = new ICAL.Event(event!);
    expect(parsed.summary).toBe(summary);
    expect(parsed.sequence).toBe(2);
    expect(parsed.startDate.toJSDate().toISOString()).toBe('2027-04-02T10:00:00.000Z');
  });

  it('an empty feed is still a calendar', () => {
    const calendar = new ICAL.Component(ICAL.parse(deadlineCalendar('none', [], now)));
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getAllSubcomponents('vevent')).toEqual([]);
  });
});
