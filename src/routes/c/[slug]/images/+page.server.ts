import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import { requireCampaignRole } from '$lib/server/auth/guards';
import { formAction } from '$lib/server/http/form-action';
import { AppError } from '$lib/server/errors';
import { dataDirFromEnv } from '$lib/server/images/storage';
import { campaignSystems, setSystemRetired } from '$lib/server/images/systems';
import {
	cancelUpload,
	confirmUpload,
	readUpload,
	recallMessage,
	rememberMessage,
	uploadJson,
	uploadLimits,
	type UploadView
} from '$lib/server/images/upload';

export const load: PageServerLoad = async (event) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	const systems = await campaignSystems(db.kysely, campaign.id);
	let upload: UploadView | null = null;
	let uploadError = recallMessage(event.url.searchParams.get('refused'));
	const done = recallMessage(event.url.searchParams.get('done'));
	const uploadId = event.url.searchParams.get('upload');
	if (uploadId) {
		try {
			upload = uploadJson(await readUpload(db.kysely, campaign, uploadId));
		} catch (e) {
			if (!(e instanceof AppError)) throw e;
			uploadError = e.message;
		}
	}
	return {
		campaign: { slug: campaign.slug, name: campaign.name, status: campaign.status },
		systems,
		images: systems.reduce((n, s) => n + s.images, 0),
		maxUploadBytes: uploadLimits().maxUploadBytes,
		upload,
		uploadError,
		done
	};
};

const confirm = formAction('confirm', async (event: RequestEvent, form) => {
	const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
	const s = await confirmUpload(db.kysely, campaign, String(form.get('upload') ?? ''), user.id, dataDirFromEnv());
	const message = `Added ${s.added} images (${s.skipped} already there), ${s.systemsAdded} new systems, ${s.promptsAdded} new prompts; ${s.rejected.length} rows refused and left out.`;
	// away from ?upload=<id>, which is gone now; the page shows the message once
	redirect(303, `/c/${campaign.slug}/images?done=${rememberMessage(message)}`);
});

const cancel = formAction('cancel', async (event: RequestEvent, form) => {
	const { db, campaign } = await requireCampaignRole(event, event.params.slug, 'manage');
	await cancelUpload(db.kysely, dataDirFromEnv(), campaign, String(form.get('upload') ?? ''));
	redirect(303, `/c/${campaign.slug}/images?done=${rememberMessage('Upload discarded; nothing was added.')}`);
});

const retire = (retired: boolean) =>
	formAction('system', async (event: RequestEvent, form) => {
		const { db, campaign, user } = await requireCampaignRole(event, event.params.slug, 'manage');
		const r = await setSystemRetired(db.kysely, campaign, form.get('system_id'), retired, user.id);
		return {
			action: 'system',
			saved: retired ? `${r.name} is retired: it gets no new pairs; its votes stay in the results.` : `${r.name} is back in the schedule.`
		};
	});
const retireAction = retire(true);
const restoreAction = retire(false);

export const actions: Actions = {
	confirm: async (event) => confirm(event),
	cancel: async (event) => cancel(event),
	retire: async (event) => retireAction(event),
	restore: async (event) => restoreAction(event)
};
