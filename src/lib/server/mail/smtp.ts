// A small SMTP client for the one mail pickwise sends: an invitation or password-reset link.
// `SMTP_URL` = smtp://[user:password@]host[:port] (STARTTLS when the server offers it) or
// smtps://… (TLS from the start). Every step has a deadline, replies are bounded, and the caller
// never fails on mail: the link is always shown to copy as well.
import net from 'node:net';
import tls from 'node:tls';

export interface Mail {
	from: string;
	to: string;
	subject: string;
	text: string;
}

const STEP_TIMEOUT_MS = 10_000;
const MAX_REPLY = 64 * 1024;

/** Header values: one line, no injected headers. */
function headerValue(value: string, name: string): string {
	if (/[\r\n]/.test(value)) throw new Error(`${name} must be one line`);
	return value;
}

function address(value: string, name: string): string {
	if (!/^[^\s<>@]+@[^\s<>@]+$/.test(value)) throw new Error(`${name} is not an email address`);
	return value;
}

export async function sendMail(smtpUrl: string, mail: Mail): Promise<void> {
	const url = new URL(smtpUrl);
	if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
	const implicitTls = url.protocol === 'smtps:';
	const port = Number(url.port || (implicitTls ? 465 : 587));
	const from = address(mail.from, 'from');
	const to = address(mail.to, 'to');
	let socket: net.Socket = implicitTls
		? tls.connect({ host: url.hostname, port, servername: url.hostname })
		: net.connect({ host: url.hostname, port });
	socket.setEncoding('utf8');
	let buffer = '';
	let waiting: ((reply: { code: number; text: string } | Error) => void) | null = null;
	const feed = (chunk: string) => {
		buffer += chunk;
		if (buffer.length > MAX_REPLY) return fail(new Error('SMTP reply too long'));
		// a reply ends with a line "NNN text" (a hyphen after the code continues it)
		const match = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
		if (match && waiting) {
			const reply = { code: Number(match[1]), text: buffer };
			buffer = '';
			const w = waiting;
			waiting = null;
			w(reply);
		}
	};
	const fail = (error: Error) => {
		const w = waiting;
		waiting = null;
		w?.(error);
	};
	const attach = (s: net.Socket) => {
		s.on('data', feed);
		s.on('error', fail);
		s.on('close', () => fail(new Error('SMTP server closed the connection')));
	};
	attach(socket);
	const reply = (expected: number[]) =>
		new Promise<{ code: number; text: string }>((resolve, reject) => {
			const timer = setTimeout(() => fail(new Error('SMTP server did not answer in time')), STEP_TIMEOUT_MS);
			waiting = (r) => {
				clearTimeout(timer);
				if (r instanceof Error) return reject(r);
				if (!expected.includes(r.code)) return reject(new Error(`SMTP server answered ${r.text.trim().split('\r\n').pop()}`));
				resolve(r);
			};
			if (buffer) feed('');
		});
	const command = (line: string, expected: number[]) => {
		const answer = reply(expected);
		socket.write(line + '\r\n');
		return answer;
	};
	try {
		await reply([220]);
		const helo = `EHLO ${url.hostname === 'localhost' ? 'localhost' : 'pickwise'}`;
		let ehlo = await command(helo, [250]);
		if (!implicitTls && /[\r\n-]STARTTLS/i.test(ehlo.text)) {
			await command('STARTTLS', [220]);
			socket.removeAllListeners('data');
			socket = tls.connect({ socket, servername: url.hostname });
			socket.setEncoding('utf8');
			attach(socket);
			await new Promise<void>((resolve, reject) => {
				socket.once('secureConnect', resolve);
				socket.once('error', reject);
			});
			ehlo = await command(helo, [250]);
		}
		if (url.username) {
			const plain = Buffer.from(`\u0000${decodeURIComponent(url.username)}\u0000${decodeURIComponent(url.password)}`).toString('base64');
			await command(`AUTH PLAIN ${plain}`, [235]);
		}
		await command(`MAIL FROM:<${from}>`, [250]);
		await command(`RCPT TO:<${to}>`, [250, 251]);
		await command('DATA', [354]);
		const body = mail.text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
		const message = [
			`From: ${from}`,
			`To: ${to}`,
			`Subject: ${headerValue(mail.subject, 'subject')}`,
			`Date: ${new Date().toUTCString()}`,
			'MIME-Version: 1.0',
			'Content-Type: text/plain; charset=utf-8',
			'Content-Transfer-Encoding: 8bit',
			'',
			body
		].join('\r\n');
		await command(`${message}\r\n.`, [250]);
		await command('QUIT', [221]).catch(() => undefined);
	} finally {
		socket.destroy();
	}
}
