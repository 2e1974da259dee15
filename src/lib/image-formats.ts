// The formats a campaign can serve its images in (one per campaign: a source format seen once
// would name its generator). Shared by the server (lib/server/images/formats.ts encodes) and the
// manage page (the choice); no encoder here.
export const IMAGE_FORMATS = ['jpeg', 'webp-lossless', 'webp', 'png'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/**
 * JPEG at quality 95 with full colour resolution (4:4:4) by default: visually lossless, where lossy
 * WebP always halves colour resolution (blurring the small text and coloured edges evaluators
 * judge); about 10 ms to encode a 512² image where lossless WebP takes 70–180 ms and makes files
 * three times larger; and the encoding JPEG sources were always stored in, so those need no
 * conversion. Lossless WebP is the choice when exact pixels matter more than import time.
 */
export const DEFAULT_IMAGE_FORMAT: ImageFormat = 'jpeg';

export const IMAGE_FORMAT_LABELS: Record<ImageFormat, string> = {
	jpeg: 'JPEG, quality 95, full colour resolution (visually lossless)',
	'webp-lossless': 'WebP, lossless (exact pixels; larger files, slower import)',
	webp: 'WebP, quality 90 (smallest files; colour detail halved)',
	png: 'PNG (exact pixels; largest files)'
};

export function isImageFormat(value: unknown): value is ImageFormat {
	return typeof value === 'string' && (IMAGE_FORMATS as readonly string[]).includes(value);
}
