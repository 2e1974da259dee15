import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiCampaign } from '$lib/server/auth/guards';
import { apiRoute } from '$lib/server/http/api-route';
import { evaluatorReport } from '$lib/server/audit/evaluator-quality';

/** Quality metrics of every evaluator, flags and their reasons, and Krippendorff's alpha (leads). */
export const GET: RequestHandler = apiRoute(async (event) => {
	const { db, campaign } = await requireApiCampaign(event, event.params.slug, 'audit');
	return json(await evaluatorReport(db.kysely, campaign), { headers: { 'cache-control': 'no-store' } });
});
