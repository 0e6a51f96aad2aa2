/** The package version, read once (bundled into the single executable). */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
