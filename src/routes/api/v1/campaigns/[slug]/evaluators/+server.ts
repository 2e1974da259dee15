import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { campaignQualityWithin, evaluatorReport, qualityWaitMs, retryAfterSeconds } from '$lib/server/audit/evaluator-quality';
import { invalid } from '$lib/server/errors';

/**
 * The longest `?wait=` a client may ask for (seconds): it holds a connection, not the event loop, and ends
 * within a graceful stop (SHUTDOWN_TIMEOUT, 30 s).
 */
const MOST_WAIT_S = 30;

/**
 * Quality metrics of every evaluator, flags and their reasons, and Krippendorff's alpha (leads).
 *
 * A report not computed yet (a large campaign's first after a start with nothing saved takes seconds)
 * is waited for PICKWISE_QUALITY_WAIT_MS, or `?wait=` seconds (0–30) when the client says how long it
 * will wait; then the answer is 202 with Retry-After and what is being computed, and the client asks again.
 */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign } = await requireApiCampaign(event, event.params.slug, 'audit');
	const wait = event.url.searchParams.get('wait');
	let waitMs = qualityWaitMs();
	if (wait !== null) {
		const seconds = /^\d{1,3}(\.\d{1,3})?$/.test(wait) ? Number(wait) : NaN;
		if (!(seconds <= MOST_WAIT_S)) throw invalid('wait', `wait must be a number of seconds from 0 to ${MOST_WAIT_S}`);
		waitMs = seconds * 1_000;
	}
	const report = await campaignQualityWithin(db.kysely, campaign, waitMs);
	if ('pending' in report) {
		const now = Date.now();
		const retryAfter = retryAfterSeconds(report.pending, now);
		return json(
			{
				computing: {
					started_at: new Date(report.pending.startedAt).toISOString(),
					elapsed_ms: now - report.pending.startedAt,
					/** what the campaign's last computation in this process took, null before the first */
					last_took_ms: report.pending.lastTookMs
				},
				retry_after_s: retryAfter
			},
			{ status: 202, headers: { 'cache-control': 'no-store', 'retry-after': String(retryAfter) } }
		);
	}
	return json(await evaluatorReport(db.kysely, campaign, report), { headers: { 'cache-control': 'no-store' } });
});
