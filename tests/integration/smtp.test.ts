// With SMTP_URL set, an invitation link is also mailed: a small SMTP server started here (a real
// protocol peer on loopback) receives it from the real app. A refused mail never fails the
// invitation: the link is shown to copy, with a note saying why no mail went out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../src/lib/server/db/index.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { Browserless, freePort, startServer, type RunningServer } from '../helpers/server.ts';
import { act } from '../helpers/actions.ts';

interface Received {
	from: string;
	to: string[];
	data: string;
}

/** Answers SMTP as a mail server does; refuses recipients whose address contains "refused". */
function smtpServer(port: number) {
	const received: Received[] = [];
	const server = net.createServer((socket) => {
		socket.setEncoding('utf8');
		let mail: Received = { from: '', to: [], data: '' };
		let inData = false;
		let buffer = '';
		socket.write('220 test.example ESMTP\r\n');
		socket.on('data', (chunk: string) => {
			buffer += chunk;
			for (;;) {
				if (inData) {
					const end = buffer.indexOf('\r\n.\r\n');
					if (end < 0) return;
					mail.data = buffer.slice(0, end);
					buffer = buffer.slice(end + 5);
					inData = false;
					received.push(mail);
					mail = { from: '', to: [], data: '' };
					socket.write('250 queued\r\n');
					continue;
				}
				const eol = buffer.indexOf('\r\n');
				if (eol < 0) return;
				const line = buffer.slice(0, eol);
				buffer = buffer.slice(eol + 2);
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO') socket.write('250-test.example\r\n250 8BITMIME\r\n');
				else if (verb === 'MAIL') {
					mail.from = line.slice(10);
					socket.write('250 ok\r\n');
				} else if (verb === 'RCPT') {
					if (line.includes('refused')) socket.write('550 no such mailbox\r\n');
					else {
						mail.to.push(line.slice(8));
						socket.write('250 ok\r\n');
					}
				} else if (verb === 'DATA') {
					inData = true;
					socket.write('354 go ahead\r\n');
				} else if (verb === 'QUIT') {
					socket.write('221 bye\r\n');
					socket.end();
				} else socket.write('502 not implemented\r\n');
			}
		});
	});
	server.listen(port, '127.0.0.1');
	return { received, close: () => new Promise((r) => server.close(r)) };
}

let root: string;
let server: RunningServer;
let smtp: ReturnType<typeof smtpServer>;
let admin: Browserless;

beforeAll(async () => {
	root = mkdtempSync(join(tmpdir(), 'pickwise-smtp-'));
	const db = await openMigratedDatabase(`sqlite:${join(root, 'pickwise.db')}`);
	await createUser(db.kysely, { email: 'admin@mail.test', password: 'admin-password', isAdmin: true });
	await db.close();
	const port = await freePort();
	smtp = smtpServer(port);
	server = await startServer(root, { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_FROM: 'pickwise@mail.test' });
	admin = new Browserless(server.url);
	expect((await admin.login('admin@mail.test', 'admin-password')).status).toBe(303);
});

afterAll(async () => {
	await server?.stop();
	await smtp?.close();
	rmSync(root, { recursive: true, force: true });
});

describe('mailing invitation links', () => {
	it('mails the link to the invited person and says so', async () => {
		const r = await act(admin, '/admin?/invite', { email: 'nina@mail.test', display_name: 'Nina', kind: 'member' });
		expect(r.type, JSON.stringify(r.data)).toBe('success');
		expect(r.data.note).toBe('Also emailed to nina@mail.test.');
		expect(smtp.received).toHaveLength(1);
		const [mail] = smtp.received;
		expect(mail.from).toBe('<pickwise@mail.test>');
		expect(mail.to).toEqual(['<nina@mail.test>']);
		expect(mail.data).toContain('Subject: Your pickwise invitation');
		expect(mail.data).toContain(r.data.link);
	});

	it('still invites when the mail is refused, and shows the link with the reason', async () => {
		const r = await act(admin, '/admin?/invite', { email: 'refused@mail.test', display_name: 'Rae', kind: 'member' });
		expect(r.type, JSON.stringify(r.data)).toBe('success');
		expect(r.data.link).toMatch(/\/invite\/[a-z2-7]+\.[a-z2-7]+$/);
		expect(r.data.note).toMatch(/^The email could not be sent \(SMTP server answered 550 no such mailbox\)/);
		expect(smtp.received).toHaveLength(1);
	});
});
