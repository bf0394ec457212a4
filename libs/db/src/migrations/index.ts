import { InitialSchema1795321610049 } from './1795321610049-InitialSchema';
import { OutboundQueue1795338424865 } from './1795338424865-OutboundQueue';
import { TransportsAndRoutes1795341430351 } from './1795341430351-TransportsAndRoutes';
import { Webhooks1795343304254 } from './1795343304254-Webhooks';
import { Mailboxes1796157099581 } from './1796157099581-Mailboxes';
import { AccountTlsKeys1796159904233 } from './1796159904233-AccountTlsKeys';

/** Every migration, in order. New ones are generated with `npm run db:generate -- Name`. */
export const MIGRATIONS = [
  InitialSchema1795321610049,
  OutboundQueue1795338424865,
  TransportsAndRoutes1795341430351,
  Webhooks1795343304254,
  Mailboxes1796157099581,
  AccountTlsKeys1796159904233,
];
