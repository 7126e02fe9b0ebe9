import { appendAudit, type AuditEntry } from './audit.ts';
import { notify, type Notice } from './notifications.ts';
import type { TransactionSql } from './sql.ts';

/** Where a change happened: a competition, and its phase when the change is a phase's. */
export interface RecordScope {
  competitionId: string;
  phaseKey: string | null;
}

/** A change as the record keeps it: its audit entry and the notices that announce it, both optional. */
export interface Change {
  audit?: Omit<AuditEntry, 'competitionId'>;
  notices?: Omit<Notice, 'competitionId' | 'phaseKey'>[];
}

/**
 * Records a change in the transaction that made it: its entry in the competition's audit chain,
 * then the notices that announce it in the outbox (db/notifications.ts), so the change, its trace
 * and its news commit together or not at all.
 */
export async function record(tx: TransactionSql, scope: RecordScope, change: Change): Promise<void> {
  if (change.audit) await appendAudit(tx, { competitionId: scope.competitionId, ...change.audit });
  if (change.notices?.length) {
    await notify(
      tx,
      change.notices.map((n) => ({ competitionId: scope.competitionId, phaseKey: scope.phaseKey, ...n })),
    );
  }
}
