// The controlled board's features and coefficients in words a researcher reads.
import type { Coefficient } from '$lib/ranking/covariates';

export const CONTROL_LABELS: Record<string, { label: string; unit: string; example: (elo: number) => string }> = {
	left: {
		label: 'Left side',
		unit: 'the image shown on the left',
		example: (elo) => `the left image gains ${signed(elo)} Elo over the same image on the right`
	},
	pixels: {
		label: 'Pixel count ratio',
		unit: '(p₁ − p₂)/(p₁ + p₂) of the pixel counts',
		// twice the pixels of the other image: (2 − 1)/(2 + 1) = 1/3
		example: (elo) => `an image with twice the pixels of the other gains ${signed(elo / 3)} Elo`
	},
	aspect: {
		label: 'Aspect ratio off the majority',
		unit: 'difference in |ln aspect − ln majority aspect|',
		// 16:9 against the campaign's square majority: ln(16/9) ≈ 0.575
		example: (elo) => `an image at 16:9 against a square one (campaign mostly square) gains ${signed(elo * 0.575)} Elo`
	},
	bpp: {
		label: 'Bytes per pixel ratio',
		unit: '(b₁ − b₂)/(b₁ + b₂) of the stored bytes per pixel',
		example: (elo) => `an image stored with twice the bytes per pixel of the other gains ${signed(elo / 3)} Elo`
	},
	luminance: {
		label: 'Mean luminance ratio',
		unit: '(L₁ − L₂)/(L₁ + L₂) of the mean grey levels',
		example: (elo) => `an image twice as bright on average as the other gains ${signed(elo / 3)} Elo`
	},
	contrast: {
		label: 'Contrast (RMS) ratio',
		unit: '(C₁ − C₂)/(C₁ + C₂) of the grey-level standard deviations',
		example: (elo) => `an image with twice the contrast of the other gains ${signed(elo / 3)} Elo`
	}
};

export function signed(n: number): string {
	const r = Math.round(n);
	return r > 0 ? `+${r}` : r < 0 ? `−${-r}` : '0';
}

/** A rounded number with a true minus sign, no plus (for interval ends). */
function plain(n: number): string {
	const r = Math.round(n);
	return r < 0 ? `−${-r}` : `${r}`;
}

/** "Left side +12 Elo [4, 20]" */
export function coefficientWords(c: Coefficient): string {
	const label = CONTROL_LABELS[c.name]?.label ?? c.name;
	const ci = c.ci_low !== null && c.ci_high !== null ? ` [${plain(c.ci_low)}, ${plain(c.ci_high)}]` : '';
	return `${label} ${signed(c.elo)} Elo${ci}`;
}

/** Whether the 95% interval leaves out 0 (the feature moved the votes). */
export function clearEffect(c: Coefficient): boolean {
	return c.ci_low !== null && c.ci_high !== null && (c.ci_low > 0 || c.ci_high < 0);
}

/** "↑ 2", "↓ 1", "—" */
export function deltaWords(delta: number): string {
	return delta > 0 ? `↑ ${delta}` : delta < 0 ? `↓ ${-delta}` : '—';
}
