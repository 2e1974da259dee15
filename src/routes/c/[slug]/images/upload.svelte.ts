// The upload's progress in the browser: XMLHttpRequest reports the bytes sent (fetch cannot yet),
// then the server extracts and checks every row before it answers with the dry run.
export class UploadProgress {
	sent = $state(0);
	total = $state(0);
	phase = $state<'idle' | 'sending' | 'checking' | 'done' | 'failed'>('idle');
	error = $state<string | null>(null);
	#xhr: XMLHttpRequest | null = null;

	get percent(): number {
		return this.total ? Math.round((this.sent / this.total) * 100) : 0;
	}

	/** Sends the form's files; resolves with the page that shows the dry run, or null on failure. */
	send(action: string, body: FormData): Promise<string | null> {
		this.error = null;
		this.sent = 0;
		this.total = 0;
		this.phase = 'sending';
		return new Promise((resolve) => {
			const xhr = (this.#xhr = new XMLHttpRequest());
			xhr.open('POST', action);
			xhr.setRequestHeader('accept', 'application/json');
			xhr.upload.onprogress = (e) => {
				this.sent = e.loaded;
				this.total = e.lengthComputable ? e.total : 0;
			};
			xhr.upload.onload = () => (this.phase = 'checking');
			xhr.onload = () => {
				let payload: { location?: string; error?: { message?: string } } = {};
				try {
					payload = JSON.parse(xhr.responseText);
				} catch {
					/* not JSON: a proxy's error page */
				}
				if (xhr.status === 201 && payload.location) {
					this.phase = 'done';
					return resolve(payload.location);
				}
				this.fail(payload.error?.message ?? `the upload failed (HTTP ${xhr.status})`);
				resolve(null);
			};
			xhr.onerror = () => (this.fail('the connection broke during the upload (is it over the size limit?)'), resolve(null));
			xhr.onabort = () => (this.fail('upload cancelled'), resolve(null));
			xhr.send(body);
		});
	}

	abort(): void {
		this.#xhr?.abort();
	}

	fail(message: string): void {
		this.phase = 'failed';
		this.error = message;
	}
}
