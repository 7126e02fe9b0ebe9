import { describe, expect, it } from 'vitest';
import { emailMessage, kindInWords } from '../../activities/email.ts';
import type { OutboxNotice } from '../../db/webhooks.ts';

const notice: OutboxNotice = {
  id: '42',
  tx: '1000',
  competitionId: '0b7c5a3e-3f55-4c1e-9d1a-2f3c4d5e6f70',
  phase: 'feasibility',
  kind: 'deadline-extended',
  body: { milestone: 'submissionsClose', to: '2027-03-01T12:00:00Z' },
  createdAt: new Date('2027-02-01T09:00:00Z'),
};
const ENDPOINT = '7d1f0c2a-1111-4222-8333-444455556666';

describe('a notice as an e-mail message', () => {
  it('the subject is the kind in words and the competition, on one line', () => {
    expect(kindInWords('deadline-extended')).toBe('Deadline extended');
    expect(emailMessage(notice, ENDPOINT, 'Quiet road surfaces').subject).toBe(
      'Deadline extended: Quiet road surfaces',
    );
    // A title cannot add header lines.
    expect(emailMessage(notice, ENDPOINT, 'Quiet\r\nBcc: someone@example.org').subject).toBe(
      'Deadline extended: Quiet Bcc: someone@example.org',
    );
  });

  it('the body shows the notice and its JSON, indented', () => {
    const { text } = emailMessage(notice, ENDPOINT, 'Quiet road surfaces');
    expect(text).toContain(`Competition: Quiet road surfaces (${notice.competitionId})`);
    expect(text).toContain('Phase: feasibility');
    expect(text).toContain(JSON.stringify(notice.body, null, 2));
  });

  it('the Message-ID comes from the notice and the endpoint, so a retry sends the same message', () => {
    const first = emailMessage(notice, ENDPOINT, 'A', 'Phasegate <notices@phasegate.example>');
    const again = emailMessage(notice, ENDPOINT, 'B', 'Phasegate <notices@phasegate.example>');
    expect(first.messageId).toBe(`<notice-42.${ENDPOINT}@phasegate.example>`);
    expect(again.messageId).toBe(first.messageId);
    expect(emailMessage({ ...notice, id: '43' }, ENDPOINT, 'A').messageId).not.toBe(first.messageId);
  });
});
