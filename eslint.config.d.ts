// Types of eslint.config.js for the tests that read its layer table (test/unit/architecture).
export declare const LAYERS: Record<string, readonly string[]>;
export declare const TYPE_IMPORTS: readonly string[];
declare const config: unknown;
export default config;
