// The controlled leaderboard of a campaign (`?control=pixels,left`): Bradley–Terry with covariates
// built from what the image rows already store at import (width, height, bytes of the stored file), so
// no model and no per-request image work is needed. Votes are read grouped by (left image, right
// image, outcome); the design values of one image pair are identical, so they merge into one row.
import type { Kysely } from 'kysely';
import type { Campaign, Database } from '../db/schema.ts';
import { invalid } from '../errors.ts';
import { rankedChoices } from './vote-filters.ts';
import type { LeaderboardQuery } from './leaderboard.ts';
import { aggregateCovariates, rankControlled, type ControlledBoard, type CovariateVotes } from '../../ranking/index.ts';

/**
 * The covariates a researcher may control for, as design values for (left, right):
 * left   — 1 for every vote: the left image's advantage (position bias)
 * pixels — (p_l − p_r)/(p_l + p_r), p = width·height
 * aspect — |ln(w/h) − ln(majority aspect)| of the left minus that of the right image
 * bpp    — (b_l − b_r)/(b_l + b_r), b = bytes of the stored image per pixel
 * (Mean luminance and contrast are not stored at import, so they are not offered.)
 */
export const CONTROLS = ['left', 'pixels', 'aspect', 'bpp'] as const;
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
			bpp: im.bytes / px
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
	const controls = q.control as Control[];
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
							: fl.bpp + fr.bpp > 0
								? (fl.bpp - fr.bpp) / (fl.bpp + fr.bpp)
								: 0;
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
