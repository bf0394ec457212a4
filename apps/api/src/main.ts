import 'reflect-metadata';
import { bootMain } from '@postern/observability';
import { startApi } from './start';

bootMain('api', (context) => startApi(context));
