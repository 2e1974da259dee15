// Where to go after signing in: only a path on this site, else home. Browsers are lenient with
// Location: they drop tabs and newlines and read a backslash as a slash, so `/\t/evil.example` or
// `/\evil.example` lead to another host; a CR or LF would break the header itself (a 500). The path
// must start with one slash and hold only printable ASCII (no spaces, no control characters), no
// backslash and no `//` anywhere.
export function safeNext(next: string | null | undefined): string {
	if (!next || next.length > 2048) return '/';
	if (!/^\/[\x21-\x7e]*$/.test(next)) return '/';
	if (next.includes('\\') || next.includes('//')) return '/';
	return next;
}
