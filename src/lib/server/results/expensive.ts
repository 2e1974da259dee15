// Admission control for expensive computations (bootstrap leaderboards with non-default rounds, seeds
// or filters). Sixteen parallel `bootstrap=10000` requests from one read-only token used to take the
// whole machine for 17 s and every page with it. Now: at most RUNNING computations at once in the
// process, a bounded queue behind them, at most PER_USER running or queued per user (all of a user's
// API tokens count as the user); beyond that the caller gets 429 with Retry-After at once. The shared
// default leaderboard (computed once per change of the votes for every viewer of the results page)
// is never refused and goes ahead of the queue.
import { setBootstrapThreads } from '../../ranking/pool.ts';
import { AppError } from '../errors.ts';
import { availableParallelism } from 'node:os';

export interface ExpensiveLimits {
	/** computations running at once (each one spreads over the bootstrap pool's threads) */
	running: number;
	/** computations waiting behind them */
	queued: number;
	/** running + waiting for one user */
	perUser: number;
}

interface Waiter {
	who: string;
	start: () => void;
}

export class ExpensiveLimiter {
	#running = 0;
	#queue: Waiter[] = [];
	#perUser = new Map<string, number>();
	constructor(readonly limits: ExpensiveLimits) {}

	/** Runs `task` when a slot is free; 429 at once when the queue or the user's share is full. */
	async run<T>(who: string, task: () => Promise<T>, options: { shared?: boolean } = {}): Promise<T> {
		const shared = options.shared === true;
		if (!shared) {
			if ((this.#perUser.get(who) ?? 0) >= this.limits.perUser) {
				throw new AppError(
					429,
					'too_many_requests',
					`at most ${this.limits.perUser} expensive computations at once per user; wait for one to finish`,
					undefined,
					this.retryAfter()
				);
			}
			if (this.#running >= this.limits.running && this.#queue.length >= this.limits.queued) {
				throw new AppError(
					429,
					'too_many_requests',
					'the server is busy with other computations; try again shortly',
					undefined,
					this.retryAfter()
				);
			}
		}
		this.#perUser.set(who, (this.#perUser.get(who) ?? 0) + 1);
		try {
			if (this.#running >= this.limits.running) {
				await new Promise<void>((start) => {
					const waiter = { who, start };
					if (shared) this.#queue.unshift(waiter);
					else this.#queue.push(waiter);
				});
			} else this.#running++;
			try {
				return await task();
			} finally {
				const next = this.#queue.shift();
				// the slot passes straight to the next waiter
				if (next) next.start();
				else this.#running--;
			}
		} finally {
			const left = (this.#perUser.get(who) ?? 1) - 1;
			if (left > 0) this.#perUser.set(who, left);
			else this.#perUser.delete(who);
		}
	}

	/** Seconds until a slot is likely free: about one per computation ahead. */
	retryAfter(): number {
		return Math.max(1, Math.min(60, this.#queue.length + 1));
	}

	get busy(): { running: number; queued: number } {
		return { running: this.#running, queued: this.#queue.length };
	}
}

let limiter: ExpensiveLimiter | null = null;

/** The process's limiter; the first use also caps the bootstrap threads so that a core stays free for requests. */
export function expensiveComputations(): ExpensiveLimiter {
	if (!limiter) {
		const cores = availableParallelism();
		setBootstrapThreads(Math.max(1, Math.min(4, cores - 1)));
		limiter = new ExpensiveLimiter({ running: 2, queued: 4, perUser: 2 });
	}
	return limiter;
}
