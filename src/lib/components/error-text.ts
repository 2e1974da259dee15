// What the error page says for each status: a title, a plain sentence and a way back (pure, so the
// page stays a thin template). Server messages are shown only where they help the person: a 500's
// message is an internal detail, a 404's would only repeat "not found".

export interface ErrorText {
	/** the document title and the h1 */
	heading: string;
	/** what happened, in plain words */
	sentence: string;
	/** the server's own message, when it adds something (which field, which role) */
	detail: string | null;
	back: { href: string; label: string };
}

export function errorText(status: number, message: string | undefined, slug: string | undefined): ErrorText {
	const campaign = slug ? { href: `/c/${encodeURIComponent(slug)}`, label: `Back to the campaign ${slug}` } : null;
	const home = { href: '/', label: 'Back to your campaigns' };
	const detail = message ? sentenceCase(message) : null;
	switch (status) {
		case 404:
			return {
				heading: 'Not found',
				sentence: slug
					? `The campaign “${slug}” or this page does not exist, or you are not a member of that campaign.`
					: 'This page does not exist. Check the address, or go back to your campaigns.',
				detail: null,
				back: home
			};
		case 403:
			return {
				heading: 'Not allowed',
				sentence: 'Your account cannot open this page. If you need it, ask the campaign’s lead (or an admin) to change your role.',
				detail,
				back: campaign ?? home
			};
		case 400:
			return {
				heading: 'Something in the address is not valid',
				sentence:
					'The page could not be shown because one of its settings (in the address) is not valid. Change it, or start again from the campaign.',
				detail,
				back: campaign ?? home
			};
		default:
			if (status >= 500)
				return {
					heading: 'Something went wrong',
					sentence: 'Something went wrong on our side. Try again in a moment; if it keeps happening, tell an admin.',
					detail: null,
					back: campaign ?? home
				};
			return { heading: `Error ${status}`, sentence: 'This page could not be shown.', detail, back: campaign ?? home };
	}
}

function sentenceCase(message: string): string {
	const trimmed = message.trim();
	if (!trimmed) return trimmed;
	const first = trimmed[0].toUpperCase() + trimmed.slice(1);
	return /[.!?]$/.test(first) ? first : `${first}.`;
}
