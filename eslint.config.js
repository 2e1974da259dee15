// ESLint for TypeScript and Svelte 5 (typescript-eslint + eslint-plugin-svelte), with Prettier owning
// the formatting (eslint-config-prettier turns the style rules off). Run by `npm run check`.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'test-results/', 'playwright-report/', 'demo-data/', 'data/', 'bench/out/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	{
		rules: {
			// unused names are errors, except deliberately ignored ones (_x) and rest siblings
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
			// the app is served at the root (no paths.base): links are plain paths, resolve() would add nothing
			'svelte/no-navigation-without-resolve': 'off',
			// URLSearchParams and Map here are local scratch values built and read in one function, never state
			'svelte/prefer-svelte-reactivity': 'off'
		}
	},
	{
		// migrations are frozen and import no app types: they talk to Kysely<any> on purpose
		files: ['migrations/**/*.ts'],
		linterOptions: { reportUnusedDisableDirectives: 'off' },
		rules: { '@typescript-eslint/no-explicit-any': 'off' }
	}
);
