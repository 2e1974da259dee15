// Headers every response carries (hooks.server.ts for SvelteKit, fast-lane.ts for the hot API calls).
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'same-origin',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()'
});

/** Kit sets the CSP on pages; API responses and images get this strict one. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";
