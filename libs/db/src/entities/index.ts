import { Account } from './account.entity';
import { AccountCredential } from './account-credential.entity';
import { Address } from './address.entity';
import { Alias } from './alias.entity';
import { AliasMember } from './alias-member.entity';
import { ApiKey } from './api-key.entity';
import { DkimKey } from './dkim-key.entity';
import { Domain } from './domain.entity';

export { Account, AccountCredential, Address, Alias, AliasMember, ApiKey, DkimKey, Domain };
export type { DkimAlgorithm } from './dkim-key.entity';
export type { ApiKeyScope } from './api-key.entity';

export const ENTITIES = [Account, AccountCredential, Domain, DkimKey, Address, Alias, AliasMember, ApiKey];
