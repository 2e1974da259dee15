// Notes from a lead to one evaluator of a campaign: plain text (pages render it as text, never as
// HTML), bounded, read on the evaluator's own page, which marks what it shows as read.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { requireOpen } from '../campaigns/campaigns.ts';
import { AppError, invalid } from '../errors.ts';
import { randomId } from '../ids.ts';
import { writeAudit } from '../audit-log.ts';

export const NOTE_MAX = 2000;
/** Notes shown on one page (the evaluator's and the lead's view): the newest. */
export const NOTES_SHOWN = 50;

export interface Note {
	id: string;
	body: string;
	created_at: number;
	read_at: number | null;
	author: string | null;
}

/** The note as typed: trimmed, line ends normalized, 1–NOTE_MAX characters, no NUL (PostgreSQL refuses it in text). */
export function parseNote(value: unknown): string {
	if (typeof value !== 'string') throw invalid('note', 'note is required');
	const text = value.replace(/\r\n?/g, '\n').trim();
	if (!text) throw invalid('note', 'note is required');
	if (text.length > NOTE_MAX) throw invalid('note', `note must be at most ${NOTE_MAX} characters (it has ${text.length})`);
	if (text.includes('\0')) throw invalid('note', 'note must not contain NUL characters');
	return text;
}

/** The campaign's evaluator with this id (name for the pages), or 404: notes go to evaluators only. */
export async function requireEvaluator(db: Kysely<Database>, campaign: Campaign, userId: string) {
	const row = await db
		.selectFrom('campaign_member')
		.innerJoin('user', 'user.id', 'campaign_member.user_id')
		.select(['user.id', 'user.display_name as name'])
		.where('campaign_member.campaign_id', '=', campaign.id)
		.where('campaign_member.user_id', '=', userId)
		.where('campaign_member.role', '=', 'evaluator')
		.executeTakeFirst();
	if (!row) throw new AppError(404, 'not_found', 'No evaluator of this campaign has that id', 'user_id');
	return row;
}

/** Stores a note (and its audit entry) in one transaction; nothing is written when the input is refused. */
export async function sendNote(db: Kysely<Database>, campaign: Campaign, authorId: string, recipientId: string, input: unknown) {
	requireOpen(campaign);
	const body = parseNote(input);
	const recipient = await requireEvaluator(db, campaign, recipientId);
	const id = randomId();
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('evaluator_note')
			.values({
				id,
				campaign_id: campaign.id,
				recipient_id: recipient.id,
				author_id: authorId,
				body,
				created_at: Date.now(),
				read_at: null
			})
			.execute();
		await writeAudit(trx, { actorId: authorId, action: 'note.send', subject: recipient.id, detail: { campaign: campaign.slug, note: id } });
	});
	return { id, recipient };
}

function notesOf(db: Kysely<Database>, campaignId: string, recipientId: string) {
	return db
		.selectFrom('evaluator_note')
		.leftJoin('user', 'user.id', 'evaluator_note.author_id')
		.select([
			'evaluator_note.id',
			'evaluator_note.body',
			'evaluator_note.created_at',
			'evaluator_note.read_at',
			'user.display_name as author'
		])
		.where('evaluator_note.campaign_id', '=', campaignId)
		.where('evaluator_note.recipient_id', '=', recipientId)
		.orderBy('evaluator_note.created_at', 'desc')
		.orderBy('evaluator_note.id', 'desc')
		.limit(NOTES_SHOWN);
}

/**
 * The evaluator's newest notes as they were before this view (read_at null = new), and the ones
 * shown are marked read now. Older unread notes beyond the page stay unread.
 */
export async function readNotes(db: Kysely<Database>, campaign: Campaign, recipientId: string, now = Date.now()): Promise<Note[]> {
	const notes = (await notesOf(db, campaign.id, recipientId).execute()).map((n) => ({ ...n, created_at: Number(n.created_at) }));
	const unread = notes.filter((n) => n.read_at === null).map((n) => n.id);
	if (unread.length)
		await db
			.updateTable('evaluator_note')
			.set({ read_at: now })
			.where('recipient_id', '=', recipientId)
			.where('id', 'in', unread)
			.where('read_at', 'is', null)
			.execute();
	return notes;
}

/** What the lead sees of the notes sent to one evaluator (without marking anything read). */
export async function notesSentTo(db: Kysely<Database>, campaign: Campaign, recipientId: string): Promise<Note[]> {
	return (await notesOf(db, campaign.id, recipientId).execute()).map((n) => ({
		...n,
		created_at: Number(n.created_at),
		read_at: n.read_at === null ? null : Number(n.read_at)
	}));
}

/** Unread notes of one evaluator in one campaign (the vote page's indicator). */
export async function unreadNoteCount(db: Kysely<Database>, campaignId: string, recipientId: string): Promise<number> {
	const row = await db
		.selectFrom('evaluator_note')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('campaign_id', '=', campaignId)
		.where('recipient_id', '=', recipientId)
		.where('read_at', 'is', null)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
