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

// Spreadsheet formulas (CSV injection, OWASP): a cell starting with =, +, -, @, tab or CR may be run
// as a formula when the file is opened in a spreadsheet (`-2+3+cmd|' /C calc'!A0`). Such a cell is
// written with a leading ' (which spreadsheets show as "text"), unless it is a plain decimal number
// (`-3`, `-0.25`, `+1e5`), which no spreadsheet runs and which must stay a number. A cell that
// already starts with 's followed by a trigger gets one more ', so the rule can be undone exactly:
// unescapeFormula drops one leading ' when 's and then a trigger start the cell.
const FORMULA_START = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The text with a leading ' when a spreadsheet could read it as a formula (see above). */
export function escapeFormula(text: string): string {
	return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? "'" + text : text;
}

/** Undoes escapeFormula, for readers of files this app wrote. */
export function unescapeFormula(text: string): string {
	return text.charCodeAt(0) === 0x27 && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** One CSV field, quoted only when it must be, with spreadsheet formulas defused (escapeFormula). */
export function csvField(value: unknown): string {
	if (value === null || value === undefined) return '';
	const text = escapeFormula(String(value));
	return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

export function csvRow(values: unknown[]): string {
	return values.map(csvField).join(',') + '\n';
}
