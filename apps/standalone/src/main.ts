import 'reflect-metadata';
import { startApi } from '../../api/src/start';
import { startMta } from '../../mta/src/start';
import { startWorker } from '../../worker/src/start';
import { prepareDatabase } from '@postern/db';
import { bootMain } from '@postern/observability';
import { checkRedis } from '@postern/queue';

/** `npm start`: the API, the worker and the MTA in one process (local mode by default). */
bootMain('postern', async (context) => {
  const { config, logger } = context;
  await prepareDatabase({ databaseUrl: config.databaseUrl, createIfMissing: config.localMode, logger });
  await checkRedis(config.redisUrl);
  const worker = await startWorker(context, { prepare: false });
  const mta = await startMta(context, { prepare: false });
  const api = await startApi(context, { prepare: false });
  const lines = [
    '',
    `Postern is running${config.localMode ? ' in local mode' : ''}.`,
    `  HTTP API      ${api.url}`,
    `  Swagger UI    ${api.url}/docs`,
    `  Metrics       ${api.url}/metrics`,
  ];
  if (api.local) {
    lines.push(
      `  Address       ${api.local.address}`,
      `  Password      ${api.local.password}`,
      `  API key       ${api.local.apiKey}`,
      `  Admin API key ${api.local.adminApiKey}`,
      `  (saved in ${config.dataDir}/local-credentials.json)`,
      '',
      `  curl -H "Authorization: Bearer ${api.local.apiKey}" ${api.url}/v1/account`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n\n');
  return {
    close: async () => {
      await api.close();
      await mta.close();
      await worker.close();
    },
  };
});
