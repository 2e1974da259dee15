// Builders for vote records in the quality tests.
import type { VoteRecord } from '../../../src/lib/quality/index.ts';

let counter = 0;

/** A counted, normal, timed vote with the given fields; ids are unique unless given. */
export function vote(fields: Partial<VoteRecord> & Pick<VoteRecord, 'userId' | 'leftImageId' | 'rightImageId' | 'choice'>): VoteRecord {
	counter++;
	return {
		id: `v${counter}`,
		leftSystemId: `sys-${fields.leftImageId}`,
		rightSystemId: `sys-${fields.rightImageId}`,
		rationale: '',
		activeMs: 8000,
		submittedAt: counter,
		kind: 'normal',
		status: 'counted',
		assignmentId: `a${counter}`,
		...fields
	};
}
