// The list of migrations, imported statically so that the server (Vite bundle), the CLI (tsx) and
// the tests load them the same way. Add each new migration here; names sort in time order.
import type { Migration } from 'kysely';
import * as initial from './20261126_0001_initial.ts';
import * as rationaleSearch from './20261126_0002_rationale_search.ts';
import * as openSpecialLeases from './20261127_0003_open_special_leases.ts';
import * as systemRetired from './20261130_0004_system_retired.ts';
import * as accountsAndInvitations from './20261130_0005_accounts_and_invitations.ts';
import * as guidelinesHtml from './20261130_0006_guidelines_html.ts';
import * as evaluatorNotes from './20261130_0007_evaluator_notes.ts';
import * as adaptiveProbability from './20261130_0008_adaptive_probability.ts';
import * as voteMarks from './20261130_0009_vote_marks.ts';
import * as multiInstance from './20261130_0010_multi_instance.ts';
import * as imageFeatures from './20261130_0011_image_features.ts';
import * as uploadStaging from './20261201_0012_upload_staging.ts';
import * as rationaleFacts from './20261201_0013_rationale_facts.ts';

export const migrations: Record<string, Migration> = {
	'20261126_0001_initial': initial,
	'20261126_0002_rationale_search': rationaleSearch,
	'20261127_0003_open_special_leases': openSpecialLeases,
	'20261130_0004_system_retired': systemRetired,
	'20261130_0005_accounts_and_invitations': accountsAndInvitations,
	'20261130_0006_guidelines_html': guidelinesHtml,
	'20261130_0007_evaluator_notes': evaluatorNotes,
	'20261130_0008_adaptive_probability': adaptiveProbability,
	'20261130_0009_vote_marks': voteMarks,
	'20261130_0010_multi_instance': multiInstance,
	'20261130_0011_image_features': imageFeatures,
	'20261201_0012_upload_staging': uploadStaging,
	'20261201_0013_rationale_facts': rationaleFacts
};
