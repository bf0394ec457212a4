import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@postern/config';
import { DatabaseUnreachableError, createDataSource } from './data-source';

/** Provides the initialised TypeORM DataSource; services take it and use its repositories. */
@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<DataSource> => {
        const dataSource = createDataSource(config.databaseUrl);
        try {
          await dataSource.initialize();
        } catch (err) {
          throw new DatabaseUnreachableError(config.databaseUrl, err);
        }
        return dataSource;
      },
    },
  ],
  exports: [DataSource],
})
export class DbModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
