// The one format a campaign serves all its images in. A source format seen once (PNG from one
// generator, JPEG from another) would name the system in every later pair, so every image is
// re-encoded at import into the campaign's format; images stored in another format (imported
// before the setting changed) are converted once, on first request, and kept on disk (serve.ts).
import type { Sharp } from 'sharp';
import { isImageFormat, type ImageFormat } from '../../image-formats.ts';

export { DEFAULT_IMAGE_FORMAT, IMAGE_FORMATS, isImageFormat, type ImageFormat } from '../../image-formats.ts';

interface Encoding {
	contentType: string;
	/** file name suffix of the stored copy, images/ab/<sha256>.<suffix> */
	suffix: string;
	encode: (pipeline: Sharp) => Sharp;
}

export const ENCODINGS: Record<ImageFormat, Encoding> = {
	'webp-lossless': {
		contentType: 'image/webp',
		suffix: 'lossless.webp',
		encode: (p) => p.webp({ lossless: true, effort: 2 })
	},
	webp: {
		contentType: 'image/webp',
		suffix: 'webp',
		encode: (p) => p.webp({ quality: 90, smartSubsample: true })
	},
	jpeg: {
		contentType: 'image/jpeg',
		suffix: 'jpg',
		encode: (p) => p.jpeg({ quality: 95, chromaSubsampling: '4:4:4' })
	},
	png: {
		contentType: 'image/png',
		suffix: 'png',
		encode: (p) => p.png()
	}
};

/**
 * Re-encodes for serving: EXIF orientation applied (before the metadata goes), transparency
 * flattened onto white and 8-bit sRGB, so that neither an alpha channel, a bit depth, a grey
 * colour space nor metadata tells one generator's files from another's.
 */
export async function encodeForServing(pipeline: Sharp, format: ImageFormat) {
	const normalised = pipeline.rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
	return ENCODINGS[format].encode(normalised).toBuffer({ resolveWithObject: true });
}

/** Content type of a stored copy; rows from before per-campaign formats say jpeg, png or webp. */
export function contentTypeOf(stored: string): string {
	if (isImageFormat(stored)) return ENCODINGS[stored].contentType;
	return 'application/octet-stream';
}
