// RFC 4180 CSV: quoted fields, doubled quotes, CR/LF line ends. Pure; used by importers and exports.

export interface CsvRecord {
	/** 1-based line number where the record starts, for error messages. */
	line: number;
	fields: string[];
}

export function parseCsv(text: string): CsvRecord[] {
	const records: CsvRecord[] = [];
	let fields: string[] = [];
	let field = '';
	let inQuotes = false;
	let line = 1;
	let recordLine = 1;
	let sawAny = false;
	const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (inQuotes) {
			if (c === '"') {
				if (s[i + 1] === '"') {
					field += '"';
					i++;
				} else inQuotes = false;
			} else {
				if (c === '\n') line++;
				field += c;
			}
			continue;
		}
		if (c === '"' && field === '') {
			inQuotes = true;
			sawAny = true;
		} else if (c === ',') {
			fields.push(field);
			field = '';
			sawAny = true;
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && s[i + 1] === '\n') i++;
			if (sawAny || field !== '') {
				fields.push(field);
				records.push({ line: recordLine, fields });
			}
			fields = [];
			field = '';
			sawAny = false;
			line++;
			recordLine = line;
		} else {
			field += c;
			sawAny = true;
		}
	}
	if (inQuotes) throw new Error(`line ${recordLine}: a quoted field is not closed`);
	if (sawAny || field !== '') {
		fields.push(field);
		records.push({ line: recordLine, fields });
	}
	return records;
}

/** One CSV field, quoted only when it must be. Leading =, + and @ are prefixed so spreadsheets do not run them. */
export function csvField(value: unknown): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	if (/^[=+@]/.test(text) && typeof value === 'string') text = "'" + text;
	return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

export function csvRow(values: unknown[]): string {
	return values.map(csvField).join(',') + '\n';
}
