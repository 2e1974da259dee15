import type { LayoutServerLoad } from './$types';

// Only for the header; every page checks access in its own load.
export const load: LayoutServerLoad = ({ locals }) => ({
	user: locals.user ? { email: locals.user.email, displayName: locals.user.displayName, isAdmin: locals.user.isAdmin } : null
});
