// Row types of the tables created in migrations/ (docs/architecture.md describes them). Times are epoch milliseconds.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'lead' | 'researcher' | 'evaluator';
export type CampaignStatus = 'draft' | 'active' | 'paused' | 'closed';
export type Choice = 'left' | 'right' | 'tie' | 'both_bad';
export type AssignmentKind = 'normal' | 'gold' | 'repeat';
export type VoteStatus = 'counted' | 'rejected';

export interface UserTable {
	id: string;
	email: string;
	display_name: string;
	password_hash: string | null;
	is_admin: Generated<number>;
	disabled_at: number | null;
	created_at: number;
	last_login_at: number | null;
	/** 1: may create campaigns without being an admin */
	can_create_campaigns: Generated<number>;
}

export interface InvitationTable {
	id: string;
	secret_hash: string;
	user_id: string;
	purpose: 'invite' | 'reset';
	created_by: string | null;
	created_at: number;
	expires_at: number;
	used_at: number | null;
}

export interface SessionTable {
	id: string;
	secret_hash: string;
	user_id: string;
	created_at: number;
	last_verified_at: number;
}

export interface ApiTokenTable {
	id: string;
	user_id: string;
	name: string;
	token_hash: string;
	created_at: number;
	last_used_at: number | null;
	revoked_at: number | null;
}

export interface CampaignTable {
	id: string;
	slug: string;
	name: string;
	description: Generated<string>;
	guidelines_md: Generated<string>;
	guidelines_version: Generated<number>;
	/** the sanitized HTML of guidelines_md, rendered when saved; null until first needed for campaigns older than that */
	guidelines_html: Generated<string | null>;
	status: Generated<CampaignStatus>;
	allow_tie: Generated<number>;
	allow_both_bad: Generated<number>;
	rationale_min_chars: Generated<number>;
	blind: Generated<number>;
	strategy: Generated<string>;
	settings: Generated<string>;
	created_at: number;
	/** battles per system pair the campaign aims for (progress estimate) */
	target_battles: Generated<number>;
}

export interface CampaignMemberTable {
	campaign_id: string;
	user_id: string;
	role: Role;
	quota: number | null;
}

export interface CriterionTable {
	id: string;
	campaign_id: string;
	key: string;
	label: string;
	description: Generated<string>;
	position: Generated<number>;
}

export interface FlagKindTable {
	campaign_id: string;
	key: string;
	label: string;
	position: Generated<number>;
}

export interface SystemTable {
	id: string;
	campaign_id: string;
	name: string;
	/** When a lead retired it (no new pairs; its votes stay in results); null while active. */
	retired_at: number | null;
}

export interface PromptTable {
	id: string;
	campaign_id: string;
	external_id: string;
	text: string;
	category: string | null;
}

export interface ImageTable {
	id: string;
	campaign_id: string;
	prompt_id: string;
	system_id: string;
	sha256: string;
	stored_path: string;
	width: number;
	height: number;
	format: string;
	bytes: number;
	created_at: number;
}

export interface AssignmentTable {
	id: string;
	campaign_id: string;
	user_id: string;
	left_image_id: string;
	right_image_id: string;
	kind: Generated<AssignmentKind>;
	issued_at: number;
	expires_at: number;
	answered_at: number | null;
	skipped_at: number | null;
	skip_reason: string | null;
	/** P(a) with which the adaptive scheduler drew this system pair; null otherwise */
	probability: Generated<number | null>;
	/** PostgreSQL: the campaign's lease number, given under its advisory lock (docs/multi-instance.md); null on SQLite */
	issue_seq: Generated<number | null>;
}

export interface VoteTable {
	id: string;
	assignment_id: string;
	campaign_id: string;
	user_id: string;
	prompt_id: string;
	left_image_id: string;
	right_image_id: string;
	left_system_id: string;
	right_system_id: string;
	kind: Generated<AssignmentKind>;
	choice: Choice;
	rationale: string;
	flags: Generated<string>;
	guidelines_version: number;
	shown_at: number;
	submitted_at: number;
	active_ms: number | null;
	status: Generated<VoteStatus>;
	simulated: Generated<number>;
	/** the assignment's P(a) (adaptive scheduling): the vote weighs 1/P in the rankings; null otherwise */
	probability: Generated<number | null>;
	/** what the quality report reads of the rationale, as lib/quality rationale-facts.ts stores it; null: read the text */
	rationale_facts: Generated<number | null>;
}

/** A region an evaluator marked on one image of a vote: image-relative 0–1; a point has w = h = 0. */
export interface VoteMarkTable {
	vote_id: string;
	campaign_id: string;
	side: 'left' | 'right';
	/** 1, 2, … in order of placement on that image */
	position: number;
	/** a flag_kind key of the campaign */
	kind: string;
	x: number;
	y: number;
	w: Generated<number>;
	h: Generated<number>;
}

/** A prompt element (word or campaign phrase) the evaluator says this side's image misses. */
export interface VoteMissingTable {
	vote_id: string;
	campaign_id: string;
	side: 'left' | 'right';
	element: string;
}

/** A campaign reason tag chosen for the vote. */
export interface VoteTagTable {
	vote_id: string;
	campaign_id: string;
	tag: string;
}

/** Mean luminance and RMS contrast of a stored image (0–255 grey levels), for controlled leaderboards. */
export interface ImageFeatureTable {
	image_id: string;
	campaign_id: string;
	luminance: number;
	contrast: number;
	computed_at: number;
}

/** A browser upload's dry run waiting for its lead (migration 0012): any instance may confirm it. */
export interface UploadStagingTable {
	id: string;
	campaign_id: string;
	created_by: string;
	created_at: number;
	/** JSON of the dry run; '' once confirmed */
	dry_run: string;
	/** set by the confirm that is writing it */
	claimed_at: number | null;
	confirmed_at: number | null;
}

export interface VoteCriterionTable {
	vote_id: string;
	criterion_id: string;
	choice: Choice;
}

export interface ReviewTable {
	id: string;
	vote_id: string;
	reviewer_id: string;
	decision: 'accept' | 'reject';
	comment: Generated<string>;
	created_at: number;
}

export interface GoldPairTable {
	id: string;
	campaign_id: string;
	left_image_id: string;
	right_image_id: string;
	expected_choice: Choice;
	explanation: Generated<string>;
	created_at: number;
}

export interface PairStatTable {
	campaign_id: string;
	criterion: string;
	system_a: string;
	system_b: string;
	a_wins: Generated<number>;
	b_wins: Generated<number>;
	ties: Generated<number>;
	both_bad: Generated<number>;
}

export interface AuditLogTable {
	id: string;
	actor_id: string | null;
	action: string;
	subject: string;
	at: number;
	detail: Generated<string>;
}

/** A lead's note to one evaluator of a campaign (plain text), read on the evaluator's own page. */
export interface EvaluatorNoteTable {
	id: string;
	campaign_id: string;
	recipient_id: string;
	author_id: string | null;
	body: string;
	created_at: number;
	read_at: number | null;
}

export interface Database {
	user: UserTable;
	session: SessionTable;
	invitation: InvitationTable;
	api_token: ApiTokenTable;
	campaign: CampaignTable;
	campaign_member: CampaignMemberTable;
	criterion: CriterionTable;
	flag_kind: FlagKindTable;
	system: SystemTable;
	prompt: PromptTable;
	image: ImageTable;
	image_feature: ImageFeatureTable;
	assignment: AssignmentTable;
	vote: VoteTable;
	vote_criterion: VoteCriterionTable;
	vote_mark: VoteMarkTable;
	vote_missing: VoteMissingTable;
	vote_tag: VoteTagTable;
	review: ReviewTable;
	gold_pair: GoldPairTable;
	pair_stat: PairStatTable;
	audit_log: AuditLogTable;
	evaluator_note: EvaluatorNoteTable;
	upload_staging: UploadStagingTable;
}

export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type Campaign = Selectable<CampaignTable>;
export type CampaignUpdate = Updateable<CampaignTable>;
export type Image = Selectable<ImageTable>;
export type Vote = Selectable<VoteTable>;
/** An assignment as the services pass it around (the lease number stays inside leases.ts). */
export type Assignment = Omit<Selectable<AssignmentTable>, 'issue_seq'>;
