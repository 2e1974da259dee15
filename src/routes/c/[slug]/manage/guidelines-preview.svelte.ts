// The guidelines preview while a lead types: the server renders (the same Markdown renderer and
// sanitizer as saving, so the browser needs neither), asked at most once per pause in typing, and
// an answer to text that has changed since is never shown (the older request is aborted).
import { deserialize } from '$app/forms';

/** How long typing must pause before the text is sent. */
export const PREVIEW_DELAY_MS = 300;

export class GuidelinesPreview {
	html = $state('');
	error = $state('');
	/** Text typed that the preview does not show yet. */
	pending = $state(false);
	private timer: ReturnType<typeof setTimeout> | undefined;
	private controller: AbortController | null = null;

	/** `url`: the page's previewGuidelines form action. */
	constructor(
		private readonly url: string,
		html: string
	) {
		this.html = html;
	}

	/** The text changed: preview it once typing pauses. */
	update(text: string) {
		clearTimeout(this.timer);
		this.pending = true;
		this.timer = setTimeout(() => void this.send(text), PREVIEW_DELAY_MS);
	}

	private async send(text: string) {
		this.controller?.abort();
		const controller = (this.controller = new AbortController());
		const body = new FormData();
		body.set('guidelines', text);
		let message = '';
		let html: string | null = null;
		try {
			const response = await fetch(this.url, {
				method: 'POST',
				body,
				headers: { accept: 'application/json', 'x-sveltekit-action': 'true' },
				signal: controller.signal
			});
			const raw = await response.text();
			if (!(response.headers.get('content-type') ?? '').includes('json')) {
				message = response.status === 413 ? 'The text is too large to preview.' : `The preview failed (HTTP ${response.status}).`;
			} else {
				const result = deserialize(raw);
				if (result.type === 'success') html = String((result.data as { html?: unknown } | undefined)?.html ?? '');
				else if (result.type === 'failure')
					message = String((result.data as { message?: unknown } | undefined)?.message ?? 'Cannot preview.');
				else if (result.type === 'redirect') message = 'Your session has ended: sign in again to see the preview.';
				else message = `The preview failed (HTTP ${response.status}).`;
			}
		} catch {
			if (controller.signal.aborted) return;
			message = 'The preview failed: no answer from the server.';
		}
		// a newer request owns the preview now
		if (controller !== this.controller) return;
		this.controller = null;
		this.pending = false;
		this.error = message;
		if (html !== null) this.html = html;
	}

	/** The page is left: nothing more is sent. */
	destroy() {
		clearTimeout(this.timer);
		this.controller?.abort();
	}
}
