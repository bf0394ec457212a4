import { InitialSchema1795321610049 } from './1795321610049-InitialSchema';

/** Every migration, in order. New ones are generated with `npm run db:generate -- Name`. */
export const MIGRATIONS = [InitialSchema1795321610049];
