import 'reflect-metadata';
import { bootMain } from '@postern/observability';
import { startWorker } from './start';

bootMain('worker', (context) => startWorker(context));
