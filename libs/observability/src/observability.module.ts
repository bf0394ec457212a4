import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { Metrics } from './metrics';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: { logger: Logger; metrics: Metrics }): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [
        { provide: ROOT_LOGGER, useValue: options.logger },
        { provide: Metrics, useValue: options.metrics },
      ],
      exports: [ROOT_LOGGER, Metrics],
    };
  }
}
