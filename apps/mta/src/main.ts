import 'reflect-metadata';
import { bootMain } from '@postern/observability';
import { startMta } from './start';

bootMain('mta', (context) => startMta(context));
