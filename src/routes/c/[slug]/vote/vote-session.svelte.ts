// The voting page's state in the browser: the pair on screen, the prefetched next one (images
// decoded ahead), the answer being written, and the last vote (for undo). The JSON it sends and
// reads is typed by $lib/api-types, as on the server.
import type { ApiAssignment, AssignmentResponse, SkipRequest, VoteCreated, VoteRefusal, VoteRequest, VoteRules } from '$lib/api-types';
import type { FormResult } from '$lib/forms/form-result';
import { Marking, type MarkingSnapshot } from './marking.svelte';

/** The pair on screen: an assignment of the API. */
export type Pair = ApiAssignment;

export type FieldErrors = Partial<Record<'choice' | 'rationale' | 'flags' | 'criteria' | 'general', string>>;

/** Where an error naming `field` is shown on the page (the fields it has, else above the button). */
function fieldOf(field: string | null | undefined): keyof FieldErrors {
	return (['choice', 'rationale', 'flags', 'criteria'] as const).find((f) => f === field) ?? 'general';
}

/** The API's error answer, or one with `fallback` when the body is not one (a proxy's page, no body). */
async function errorOf(response: Response, fallback: string): Promise<VoteRefusal> {
	const body = await response.json().catch(() => null);
	return body && typeof body.error?.message === 'string' ? (body as VoteRefusal) : { error: { code: 'unknown', message: fallback } };
}

/** The campaign's rules as the page shows them; a vote's answer may bring newer ones. */
export interface PageRules {
	guidelinesVersion: number;
	guidelinesHtml: string;
	rationaleMin: number;
}

/** Everything an answer holds, kept with the last vote so that undo gives all of it back. */
interface Answer {
	choice: string;
	criteria: Record<string, string>;
	flagsLeft: string[];
	flagsRight: string[];
	rationale: string;
	marking: MarkingSnapshot;
}

const decoded = new Map<string, HTMLImageElement>();

/** Loads and decodes an image so that showing it later costs no network or decode time. */
async function preload(url: string): Promise<void> {
	if (decoded.has(url)) return;
	const img = new Image();
	img.src = url;
	decoded.set(url, img);
	try {
		await img.decode();
	} catch {
		decoded.delete(url);
	}
	if (decoded.size > 16) decoded.delete(decoded.keys().next().value!);
}

export class VoteSession {
	pair = $state<Pair | null>(null);
	next = $state<Pair | null>(null);
	choice = $state('');
	criteria = $state<Record<string, string>>({});
	flagsLeft = $state<string[]>([]);
	flagsRight = $state<string[]>([]);
	#rationale = $state('');
	errors = $state<FieldErrors>({});
	/** set by the first submit: before it, a short rationale is only counted, not marked as wrong */
	attempted = $state(false);
	submitting = $state(false);
	done = $state(0);
	/** the vote that `u` takes back: its answer and the active time it had, both restored by undo */
	lastVote = $state<{ id: string; at: number; pair: Pair; answer: Answer; activeMs: number } | null>(null);
	status = $state('');
	rules = $state<PageRules>({ guidelinesVersion: 1, guidelinesHtml: '', rationaleMin: 0 });
	/** a lead saved new guidelines while this page was open: the page says so until they are read */
	guidelinesUpdated = $state(false);
	/** region marks, missing prompt elements and reason tags of the answer */
	readonly marking: Marking;
	private shownAt = 0;
	private activeMs = 0;
	private prefetching: Promise<void> | null = null;
	private exhausted = false;

	constructor(
		readonly slug: string,
		pair: Pair | null,
		done: number,
		rules: PageRules,
		kinds: () => { key: string; label: string }[] = () => []
	) {
		this.marking = new Marking(kinds);
		this.pair = pair;
		this.done = done;
		this.rules = rules;
		this.markShown();
	}

	get rationale() {
		return this.#rationale;
	}

	/** Typing past the minimum clears the "too short" error at once, not at the next submit. */
	set rationale(value: string) {
		this.#rationale = value;
		if (this.errors.rationale && value.trim().length >= this.rules.rationaleMin) this.errors = { ...this.errors, rationale: undefined };
	}

	/** The rules an answer to a vote carries (also a refusal's): the counter and the guidelines follow them. */
	private learnRules(body: Partial<VoteRules> | null) {
		if (!body?.rules) return;
		const { guidelines_version: version, rationale_min: min } = body.rules;
		if (body.guidelines && body.guidelines.version === version && version !== this.rules.guidelinesVersion) {
			this.rules = { ...this.rules, guidelinesVersion: version, guidelinesHtml: body.guidelines.html };
			this.guidelinesUpdated = true;
		}
		if (Number.isInteger(min) && min !== this.rules.rationaleMin) this.rules = { ...this.rules, rationaleMin: min };
	}

	private api(path: string) {
		return `/api/v1/campaigns/${this.slug}${path}`;
	}

	/** A pair appears: its active time starts at `carried` (the time a vote had before it was undone). */
	markShown(carried = 0) {
		this.shownAt = performance.now();
		this.activeMs = carried;
	}

	/** Time counts only while the page is visible. */
	visibilityChanged(visible: boolean) {
		if (visible) this.shownAt = performance.now();
		else this.activeMs += performance.now() - this.shownAt;
	}

	prefetch(): Promise<void> {
		if (this.next || this.exhausted || !this.pair) return Promise.resolve();
		this.prefetching ??= (async () => {
			try {
				const response = await fetch(this.api(`/next?exclude=${encodeURIComponent(this.pair!.id)}`));
				if (response.status === 204) this.exhausted = true;
				else if (response.ok) {
					const { assignment: pair }: AssignmentResponse = await response.json();
					await Promise.all([preload(pair.left.image_url), preload(pair.right.image_url)]);
					if (pair.id !== this.pair?.id) this.next = pair;
				}
			} catch {
				/* offline for a moment: the next submit fetches again */
			} finally {
				this.prefetching = null;
			}
		})();
		return this.prefetching;
	}

	resetAnswer() {
		this.choice = '';
		this.criteria = {};
		this.flagsLeft = [];
		this.flagsRight = [];
		this.#rationale = '';
		this.errors = {};
		this.attempted = false;
		this.marking.reset();
	}

	private answer(): Answer {
		return {
			choice: this.choice,
			criteria: { ...this.criteria },
			flagsLeft: [...this.flagsLeft],
			flagsRight: [...this.flagsRight],
			rationale: this.#rationale,
			marking: this.marking.snapshot()
		};
	}

	/** A vote the no-JavaScript form sent and the server refused: what was typed, and the message at its field. */
	restoreFailure(failure: FormResult | null) {
		if (!failure || failure.saved !== undefined) return;
		const values = failure.values ?? {};
		this.choice = values.choice ?? '';
		this.rationale = values.rationale ?? '';
		for (const [name, value] of Object.entries(values)) {
			if (name.startsWith('criterion:')) this.criteria[name.slice('criterion:'.length)] = value;
		}
		if (failure.message) this.errors = { [fieldOf(failure.field)]: failure.message };
	}

	async submit(): Promise<boolean> {
		if (!this.pair || this.submitting) return false;
		this.attempted = true;
		const errors: FieldErrors = {};
		if (!this.choice) errors.choice = 'Choose which image is better.';
		if (Object.keys(errors).length) {
			this.errors = errors;
			return false;
		}
		this.submitting = true;
		const voteId = crypto.randomUUID();
		const activeMs = Math.round(this.activeMs + (performance.now() - this.shownAt));
		const body: VoteRequest = {
			vote_id: voteId,
			assignment_id: this.pair.id,
			choice: this.choice,
			rationale: this.rationale,
			flags: { left: this.flagsLeft, right: this.flagsRight },
			criteria: this.criteria,
			marks: this.marking.marks,
			missing: this.marking.missing,
			tags: this.marking.tags,
			active_ms: activeMs,
			// the version on screen is the one the vote followed, even if a lead saved another meanwhile
			guidelines_version: this.rules.guidelinesVersion
		};
		try {
			const response = await this.postWithRetry(this.api('/votes'), body);
			if (!response.ok) {
				const refusal = await errorOf(response, `The server answered ${response.status}.`);
				const { error } = refusal;
				this.learnRules(refusal);
				if (response.status === 410) {
					this.status = error.message;
					await this.advance();
					return false;
				}
				this.errors = { [fieldOf(error.field)]: error.message };
				return false;
			}
			this.lastVote = { id: voteId, at: Date.now(), pair: this.pair, answer: this.answer(), activeMs };
			this.done += 1;
			const created: Partial<VoteCreated> = await response.json().catch(() => ({}));
			const { feedback } = created;
			this.learnRules(created);
			this.status = feedback
				? `Vote saved. This was a check pair: the expected answer was ${String(feedback.expected).replace('_', ' ')}. ${feedback.explanation ?? ''}`
				: 'Vote saved.';
			await this.advance();
			return true;
		} finally {
			this.submitting = false;
		}
	}

	/** A network failure is retried with the same vote_id: the server stores the vote once. */
	private async postWithRetry(url: string, body: unknown): Promise<Response> {
		for (let attempt = 0; ; attempt++) {
			try {
				return await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			} catch (e) {
				if (attempt >= 4) throw e;
				this.status = 'Connection lost; retrying…';
				await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
			}
		}
	}

	private async advance() {
		if (!this.next && !this.exhausted) await this.prefetch();
		this.pair = this.next;
		this.next = null;
		this.resetAnswer();
		this.markShown();
		if (this.pair) void this.prefetch();
	}

	async undo(): Promise<void> {
		const last = this.lastVote;
		if (!last) return;
		const response = await fetch(this.api(`/votes/${last.id}/undo`), { method: 'POST' });
		if (!response.ok) {
			const { error } = await errorOf(response, 'Undo failed.');
			this.status = error.message;
			this.lastVote = null;
			return;
		}
		const { assignment }: AssignmentResponse = await response.json();
		if (this.pair) this.next = this.pair;
		this.pair = assignment;
		this.exhausted = false;
		this.resetAnswer();
		const { answer } = last;
		this.choice = answer.choice;
		this.criteria = { ...answer.criteria };
		this.flagsLeft = [...answer.flagsLeft];
		this.flagsRight = [...answer.flagsRight];
		this.#rationale = answer.rationale;
		this.marking.restore(answer.marking);
		this.done = Math.max(0, this.done - 1);
		this.lastVote = null;
		this.status = 'Vote undone: judge this pair again.';
		// the time already spent on this pair counts: the resubmitted vote has before + after
		this.markShown(last.activeMs);
	}

	async skip(reason: string): Promise<boolean> {
		if (!this.pair) return false;
		const body: SkipRequest = { reason };
		const response = await fetch(this.api(`/assignments/${this.pair.id}/skip`), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
		if (!response.ok) {
			const { error } = await errorOf(response, 'Skip failed.');
			this.errors = { general: error.message };
			return false;
		}
		// No undo after a skip: `u` would take back the vote before it, on a pair no longer on screen
		this.lastVote = null;
		this.status = 'Pair skipped.';
		await this.advance();
		return true;
	}
}
