import { Command } from '../../protocol/command';
import { Handler, SessionState } from '../session';
import { append } from './append';
import { copyOrMove } from './copy-move';
import { expunge } from './expunge';
import { fetch } from './fetch';
import { idle } from './idle';
import { list, lsub } from './list';
import { authenticate, login } from './login';
import { create, remove, rename, subscribe } from './mailboxes';
import { search } from './search';
import { select } from './select';
import { capability, check, close, enable, id, logout, namespace, noop, starttls, unselect } from './simple';
import { getQuota, getQuotaRoot, status } from './status';
import { store } from './store';

const ANY: SessionState[] = ['notAuthenticated', 'authenticated', 'selected'];
const PRE: SessionState[] = ['notAuthenticated'];
const AUTH: SessionState[] = ['authenticated', 'selected'];
const SELECTED: SessionState[] = ['selected'];

type Entry = { handler: Handler; states: SessionState[] };
const entry = <C extends Command>(handler: Handler<C>, states: SessionState[]): Entry => ({ handler: handler as Handler, states });

/** Which handler runs each command, and in which states (RFC 9051 6). */
export const COMMANDS: Record<Command['name'], Entry> = {
  CAPABILITY: entry(capability, ANY),
  NOOP: entry(noop, ANY),
  LOGOUT: entry(logout, ANY),
  ID: entry(id, ANY),
  STARTTLS: entry(starttls, PRE),
  LOGIN: entry(login, PRE),
  AUTHENTICATE: entry(authenticate, PRE),
  ENABLE: entry(enable, AUTH),
  NAMESPACE: entry(namespace, AUTH),
  SELECT: entry(select, AUTH),
  EXAMINE: entry(select, AUTH),
  CREATE: entry(create, AUTH),
  DELETE: entry(remove, AUTH),
  RENAME: entry(rename, AUTH),
  SUBSCRIBE: entry(subscribe, AUTH),
  UNSUBSCRIBE: entry(subscribe, AUTH),
  LIST: entry(list, AUTH),
  LSUB: entry(lsub, AUTH),
  STATUS: entry(status, AUTH),
  APPEND: entry(append, AUTH),
  IDLE: entry(idle, AUTH),
  GETQUOTA: entry(getQuota, AUTH),
  GETQUOTAROOT: entry(getQuotaRoot, AUTH),
  CHECK: entry(check, SELECTED),
  CLOSE: entry(close, SELECTED),
  UNSELECT: entry(unselect, SELECTED),
  EXPUNGE: entry(expunge, SELECTED),
  SEARCH: entry(search, SELECTED),
  FETCH: entry(fetch, SELECTED),
  STORE: entry(store, SELECTED),
  COPY: entry(copyOrMove, SELECTED),
  MOVE: entry(copyOrMove, SELECTED),
};
