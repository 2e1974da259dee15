// The controlled leaderboard of a campaign (`?control=pixels,left`): Bradley–Terry with covariates
// built from what the image rows store at import (width, height, bytes of the stored file) and from
// the measured grey levels of each stored image (features.ts: measured once, then read), so no model
// and no per-request image work is needed. Votes are read grouped by (left image, right
// image, outcome); the design values of one image pair are identical, so they merge into one row.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { invalid } from '../errors.ts';
import { csvRow } from '../../csv.ts';
import { rankedChoices } from './vote-filters.ts';
import { campaignImageFeatures, ensureImageFeatures } from './features.ts';
import type { LeaderboardQuery } from './leaderboard.ts';
import { aggregateCovariates, rankControlled, type ControlledBoard, type CovariateVotes } from '../../ranking/index.ts';

/**
 * The covariates a researcher may control for, as design values for (left, right):
 * left   — 1 for every vote: the left image's advantage (position bias)
 * pixels — (p_l − p_r)/(p_l + p_r), p = width·height
 * aspect — |ln(w/h) − ln(majority aspect)| of the left minus that of the right image
 * bpp    — (b_l − b_r)/(b_l + b_r), b = bytes of the stored image per pixel
 * luminance — (L_l − L_r)/(L_l + L_r), L = mean grey level of the stored image
 * contrast  — (C_l − C_r)/(C_l + C_r), C = RMS contrast (standard deviation of the grey levels)
 * An image without a stored file or measure (a placeholder of imported battles) counts as equal to
 * the other side in that feature (design value 0).
 * Region-mark counts are not offered: evaluators place marks while judging, so they are part of the
 * outcome (post-treatment), and holding them equal would explain the ranking away (docs/ranking.md).
 */
export const CONTROLS = ['left', 'pixels', 'aspect', 'bpp', 'luminance', 'contrast'] as const;
/** The controls that need the pixels measured (features.ts). */
export const MEASURED_CONTROLS: readonly Control[] = ['luminance', 'contrast'];
export type Control = (typeof CONTROLS)[number];

export function parseControl(raw: string | null): Control[] {
	if (raw === null || raw.trim() === '') return [];
	const names = [
		...new Set(
			raw
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		)
	];
	for (const name of names)
		if (!(CONTROLS as readonly string[]).includes(name))
			throw invalid('control', `control must list some of ${CONTROLS.join(', ')} (not '${name.slice(0, 40)}')`);
	return names as Control[];
}

interface ImageFeatures {
	pixels: number;
	logAspect: number;
	bpp: number;
	luminance: number | null;
	contrast: number | null;
}

/** (a − b)/(a + b), 0 when either is unknown or both are 0. */
function normalisedDifference(a: number | null, b: number | null): number {
	if (a === null || b === null || a + b <= 0) return 0;
	return (a - b) / (a + b);
}

export async function controlledBoard(
	db: Kysely<Database>,
	campaign: Campaign,
	q: LeaderboardQuery,
	workers: number | undefined
): Promise<ControlledBoard> {
	const names = new Map(
		(await db.selectFrom('system').select(['id', 'name']).where('campaign_id', '=', campaign.id).execute()).map((s) => [s.id, s.name])
	);
	const controls = q.control as Control[];
	if (controls.some((c) => MEASURED_CONTROLS.includes(c))) await ensureImageFeatures(db, campaign.id);
	const measured = controls.some((c) => MEASURED_CONTROLS.includes(c)) ? await campaignImageFeatures(db, campaign.id) : new Map();
	const images = await db.selectFrom('image').select(['id', 'width', 'height', 'bytes']).where('campaign_id', '=', campaign.id).execute();
	// the campaign's majority aspect ratio (to 1%)
	const aspectCount = new Map<number, number>();
	for (const im of images) {
		const key = Math.round((100 * im.width) / Math.max(im.height, 1));
		aspectCount.set(key, (aspectCount.get(key) ?? 0) + 1);
	}
	let majority = 100;
	let best = -1;
	for (const [key, n] of aspectCount)
		if (n > best || (n === best && key < majority)) {
			best = n;
			majority = key;
		}
	const features = new Map<string, ImageFeatures>();
	for (const im of images) {
		const px = Math.max(im.width * im.height, 1);
		features.set(im.id, {
			pixels: px,
			logAspect: Math.abs(Math.log(im.width / Math.max(im.height, 1)) - Math.log(majority / 100)),
			bpp: im.bytes / px,
			luminance: measured.get(im.id)?.luminance ?? null,
			contrast: measured.get(im.id)?.contrast ?? null
		});
	}
	const rows = await db
		.selectFrom(rankedChoices(db, campaign.id, q))
		.select([
			'v.left_system_id',
			'v.right_system_id',
			'v.left_image_id',
			'v.right_image_id',
			'v.choice',
			(eb) => eb.fn.countAll<number>().as('n')
		])
		.groupBy(['v.left_system_id', 'v.right_system_id', 'v.left_image_id', 'v.right_image_id', 'v.choice'])
		.execute();
	const systems: string[] = [];
	const ids = new Map<string, number>();
	const id = (systemId: string) => {
		let v = ids.get(systemId);
		if (v === undefined) {
			v = systems.length;
			systems.push(names.get(systemId)!);
			ids.set(systemId, v);
		}
		return v;
	};
	const p = controls.length;
	let total = 0;
	for (const r of rows) if (r.left_system_id !== r.right_system_id) total += Number(r.n);
	const votes: CovariateVotes = {
		systems,
		features: controls,
		a: new Int32Array(total),
		b: new Int32Array(total),
		outcome: new Uint8Array(total),
		x: new Float64Array(total * p),
		weight: null
	};
	const design = new Float64Array(p);
	let v = 0;
	for (const r of rows) {
		if (r.left_system_id === r.right_system_id) continue;
		const fl = features.get(r.left_image_id)!;
		const fr = features.get(r.right_image_id)!;
		controls.forEach((c, k) => {
			design[k] =
				c === 'left'
					? 1
					: c === 'pixels'
						? (fl.pixels - fr.pixels) / (fl.pixels + fr.pixels)
						: c === 'aspect'
							? fl.logAspect - fr.logAspect
							: normalisedDifference(fl[c], fr[c]);
		});
		const a = id(r.left_system_id);
		const b = id(r.right_system_id);
		const outcome = r.choice === 'left' ? 0 : r.choice === 'right' ? 1 : r.choice === 'tie' ? 2 : 3;
		for (let k = Number(r.n); k > 0; k--, v++) {
			votes.a[v] = a;
			votes.b[v] = b;
			votes.outcome[v] = outcome;
			votes.x.set(design, v * p);
		}
	}
	// Davidson has no covariate form here: its boards are controlled with ties as half a win
	const ties = q.ties === 'exclude' ? 'exclude' : 'half';
	const { board } = await rankControlled(aggregateCovariates(votes), { ties, bootstrap: q.bootstrap, seed: q.seed, workers });
	return board;
}

/** The controlled board as CSV: one row per system, then one per coefficient (kind tells them apart). */
export function controlledCsv(board: ControlledBoard): string {
	const f = (n: number | null) => (n === null ? '' : n.toFixed(2));
	return (
		csvRow(['kind', 'name', 'rating_or_elo', 'ci_low', 'ci_high', 'rank', 'rank_worst', 'raw_rating', 'delta_rank']) +
		board.leaderboard
			.map((e) => csvRow(['system', e.system, f(e.rating), f(e.ci_low), f(e.ci_high), e.rank, e.rank_worst, f(e.raw_rating), e.delta_rank]))
			.join('') +
		board.coefficients.map((c) => csvRow(['coefficient', c.name, f(c.elo), f(c.ci_low), f(c.ci_high), '', '', '', ''])).join('')
	);
}
