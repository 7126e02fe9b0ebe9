import { defineSearchAttributeKey } from '@temporalio/common';

/** Registered on the Temporal server so that its Web UI can list competitions by status and phase. */
export const statusSearchAttribute = defineSearchAttributeKey('PhasegateStatus', 'KEYWORD');
export const phaseSearchAttribute = defineSearchAttributeKey('PhasegatePhase', 'KEYWORD');
