// Strategies by name: the campaign's `strategy` column holds one of these names.
import { adaptiveStrategy } from './strategies/adaptive.ts';
import { balancedStrategy } from './strategies/balanced.ts';
import { uniformStrategy } from './strategies/uniform.ts';
import type { SchedulingStrategy, StrategyFactory } from './types.ts';

export const DEFAULT_STRATEGY = 'balanced';

const factories = new Map<string, StrategyFactory>([
	['adaptive', adaptiveStrategy],
	['balanced', balancedStrategy],
	['uniform', uniformStrategy]
]);

export class UnknownStrategyError extends Error {
	constructor(readonly strategy: string) {
		super(`unknown scheduling strategy "${strategy}" (known: ${strategyNames().join(', ')})`);
		this.name = 'UnknownStrategyError';
	}
}

/** Adds a strategy under `name`; refuses to replace an existing one unless `replace` is set. */
export function registerStrategy(name: string, factory: StrategyFactory, { replace = false } = {}): void {
	if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw new Error(`invalid strategy name "${name}"`);
	if (factories.has(name) && !replace) throw new Error(`strategy "${name}" is already registered`);
	factories.set(name, factory);
}

export function hasStrategy(name: string): boolean {
	return factories.has(name);
}

/** Registered names, sorted: for validating the campaign setting and listing it in forms. */
export function strategyNames(): string[] {
	return [...factories.keys()].sort();
}

/** A fresh strategy instance for one campaign; throws UnknownStrategyError for an unknown name. */
export function createStrategy(name: string = DEFAULT_STRATEGY, settings: Readonly<Record<string, unknown>> = {}): SchedulingStrategy {
	const factory = factories.get(name);
	if (!factory) throw new UnknownStrategyError(name);
	return factory(settings);
}
