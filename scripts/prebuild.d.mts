/** Types of prebuild.mjs (plain JavaScript: it runs before anything is compiled). */
export declare const ROOT: string;
export declare const ENTRIES: Record<'start' | 'orders-worker' | 'shipping-worker' | 'web' | 'database', string>;
export declare function sourceVersion(): string;
export declare function prebuiltEntries(options?: { onBuild?: (version: string) => void }): Promise<Record<keyof typeof ENTRIES, string> | undefined>;
